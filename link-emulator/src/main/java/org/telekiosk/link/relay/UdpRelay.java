package org.telekiosk.link.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.telekiosk.link.profile.Direction;

/**
 * A UDP relay with the link's impairment: datagrams from kiosks to {@code listen} go on to {@code target}, each
 * lost, delayed, jittered or reordered by the {@link Impairment} of its direction; answers come back the same way.
 * Like a NAT, it gives every kiosk address a socket of its own towards the target (a TURN server then sees one client
 * per kiosk socket). Threads: one receiver for the kiosk side, one per kiosk flow, one sender.
 */
public final class UdpRelay implements AutoCloseable {
    private static final int MAX_DATAGRAM = 65_535;
    private static final int MAX_WAITING = 20_000;

    private record Outgoing(DatagramChannel channel, SocketAddress to, ByteBuffer payload, Direction direction) {}

    private final DatagramChannel kioskSide;
    private final InetSocketAddress target;
    private final Link link;
    private final Impairment up;
    private final Impairment down;
    private final DelayLine<Outgoing> line = new DelayLine<>(MAX_WAITING);
    private final Map<SocketAddress, DatagramChannel> flows = new ConcurrentHashMap<>();
    private final Counters counters = new Counters();
    private final AtomicBoolean closed = new AtomicBoolean();

    public UdpRelay(InetSocketAddress listen, InetSocketAddress target, Link link, long seed) throws IOException {
        this.target = target;
        this.link = link;
        this.up = new Impairment(link, Direction.UP, seed);
        this.down = new Impairment(link, Direction.DOWN, seed);
        this.kioskSide = DatagramChannel.open().bind(listen);
        Thread.ofPlatform().daemon().name("udp-relay-in-" + port()).start(this::receiveFromKiosks);
        Thread.ofPlatform().daemon().name("udp-relay-out-" + port()).start(this::send);
    }

    public int port() {
        try {
            return ((InetSocketAddress) kioskSide.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Counters counters() {
        return counters;
    }

    private void receiveFromKiosks() {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);
        try {
            while (!closed.get()) {
                buffer.clear();
                SocketAddress from = kioskSide.receive(buffer);
                buffer.flip();
                DatagramChannel flow = flows.computeIfAbsent(from, this::openFlow);
                if (flow != null) {
                    offer(up, flow, target, buffer);
                }
            }
        } catch (ClosedChannelException e) {
            // closed
        } catch (IOException e) {
            if (!closed.get()) {
                System.err.println("udp relay: receive failed: " + e);
            }
        }
    }

    private DatagramChannel openFlow(SocketAddress kiosk) {
        try {
            DatagramChannel channel = DatagramChannel.open().bind(new InetSocketAddress(
                    target.getAddress().isLoopbackAddress() ? target.getAddress() : null, 0)).connect(target);
            Thread.ofPlatform().daemon().name("udp-relay-flow-" + kiosk).start(() -> receiveFromTarget(channel, kiosk));
            return channel;
        } catch (IOException e) {
            System.err.println("udp relay: no socket towards " + target + " for " + kiosk + ": " + e);
            return null;
        }
    }

    private void receiveFromTarget(DatagramChannel channel, SocketAddress kiosk) {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);
        try {
            while (!closed.get()) {
                buffer.clear();
                channel.receive(buffer);
                buffer.flip();
                offer(down, kioskSide, kiosk, buffer);
            }
        } catch (IOException e) {
            // closed, or the target refused (ICMP): the flow ends, the next datagram from the kiosk opens another
            flows.remove(kiosk, channel);
        }
    }

    private void offer(Impairment impairment, DatagramChannel channel, SocketAddress to, ByteBuffer payload) {
        counters.arrived(impairment.direction());
        long due = impairment.datagram(link.ticker().nanos());
        ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
        if (due == Impairment.LOST || !line.put(due, new Outgoing(channel, to, copy, impairment.direction()))) {
            counters.lost(impairment.direction());
        }
    }

    private void send() {
        while (!closed.get()) {
            Outgoing out;
            try {
                out = line.take(link.ticker());
            } catch (InterruptedException e) {
                return;
            }
            if (closed.get()) {
                return;
            }
            try {
                int size = out.payload().remaining();
                if (out.channel().isConnected()) {
                    out.channel().write(out.payload());
                } else {
                    out.channel().send(out.payload(), out.to());
                }
                counters.passed(out.direction());
                counters.bytes(out.direction(), size);
            } catch (IOException e) {
                counters.lost(out.direction());
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        kioskSide.close();
        for (DatagramChannel flow : flows.values()) {
            flow.close();
        }
        // the sender waits on the line; a wake-up with nothing due lets it see the flag
        line.put(Long.MIN_VALUE, new Outgoing(kioskSide, null, ByteBuffer.allocate(0), Direction.UP));
    }
}
