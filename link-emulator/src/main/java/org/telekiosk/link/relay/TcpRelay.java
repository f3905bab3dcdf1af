package org.telekiosk.link.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.telekiosk.link.profile.Direction;
import org.telekiosk.link.profile.LinkSchedule;

/**
 * A TCP relay with the link's impairment: connections to {@code listen} are forwarded to {@code target}; every chunk
 * read is delivered after its direction's delay and jitter, in order (a stream is never reordered), a chunk whose
 * segments draw a loss pays a retransmission, and during a cut nothing moves: data waits (as TCP retransmits) and
 * a new connection is not passed on until the link returns. Each side's kernel TCP still runs over the veth, with
 * its rate limit. At most 256 KiB wait per direction and connection (then the relay stops reading: flow control).
 * Threads: virtual, two per direction and connection.
 */
public final class TcpRelay implements AutoCloseable {
    private static final int CHUNK = 16 * 1024;
    private static final int WINDOW = 256 * 1024;

    private record Chunk(Impairment.Draws draws, byte[] data) {}

    private static final Chunk END = new Chunk(null, new byte[0]);

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Link link;
    private final long seed;
    private final AtomicLong connections = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Counters counters = new Counters();
    private final AtomicBoolean closed = new AtomicBoolean();

    public TcpRelay(InetSocketAddress listen, InetSocketAddress target, Link link, long seed) throws IOException {
        this.target = target;
        this.link = link;
        this.seed = seed;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(listen, 100);
        Thread.ofVirtual().name("tcp-relay-accept-" + port()).start(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Chunks passed on per direction (a chunk that paid a retransmission counts as lost once, then as passed). */
    public Counters counters() {
        return counters;
    }

    /** Connections accepted but not passed on yet, because the link is cut. */
    public int heldConnections() {
        return held.get();
    }

    /** Connections accepted so far. */
    public long connections() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!closed.get()) {
            try {
                Socket kiosk = server.accept();
                long index = connections.incrementAndGet();
                sockets.add(kiosk);
                Thread.ofVirtual().name("tcp-relay-conn-" + index).start(() -> connect(kiosk, index));
            } catch (IOException e) {
                if (!closed.get()) {
                    System.err.println("tcp relay: accept failed: " + e);
                }
            }
        }
    }

    private void connect(Socket kiosk, long index) {
        try {
            // The SYN does not get through a cut: wait for the link's return (the kiosk's own timeouts decide
            // whether it waits that long).
            held.incrementAndGet();
            try {
                while (!closed.get()) {
                    long generation = link.generation();
                    long open = link.nextOpen(link.ticker().nanos(), Direction.UP);
                    if (open == LinkSchedule.FOREVER) {
                        link.awaitUntil(Long.MAX_VALUE, generation);
                    } else if (open > link.ticker().nanos()) {
                        link.awaitUntil(open, generation);
                    } else {
                        break;
                    }
                }
            } finally {
                held.decrementAndGet();
            }
            Socket broker = new Socket();
            broker.setTcpNoDelay(true);
            broker.connect(target, 10_000);
            sockets.add(broker);
            kiosk.setTcpNoDelay(true);
            long connectionSeed = seed * 1_000_003 + index;
            AtomicInteger finished = new AtomicInteger();
            Pipe up = new Pipe(kiosk, broker, new Impairment(link, Direction.UP, connectionSeed), finished);
            Pipe down = new Pipe(broker, kiosk, new Impairment(link, Direction.DOWN, connectionSeed), finished);
            up.start();
            down.start();
        } catch (IOException | InterruptedException e) {
            close(kiosk);
        }
    }

    /** One direction of one connection: a reader that draws each chunk's dice, a writer that delivers on time. */
    private final class Pipe {
        private final Socket from;
        private final Socket to;
        private final Impairment impairment;
        private final LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        private final Semaphore window = new Semaphore(WINDOW);
        private final AtomicInteger finished;

        /** {@code finished} is shared by both directions of the connection: the second to finish closes it. */
        Pipe(Socket from, Socket to, Impairment impairment, AtomicInteger finished) {
            this.from = from;
            this.to = to;
            this.impairment = impairment;
            this.finished = finished;
        }

        void start() {
            Thread.ofVirtual().start(this::read);
            Thread.ofVirtual().start(this::write);
        }

        private void read() {
            byte[] buffer = new byte[CHUNK];
            try (InputStream in = from.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    window.acquire(n);
                    counters.arrived(impairment.direction());
                    queue.add(new Chunk(impairment.chunk(link.ticker().nanos(), n), Arrays.copyOf(buffer, n)));
                }
            } catch (IOException | InterruptedException e) {
                // closed or reset: what was read still goes out, then the end
            }
            queue.add(END);
        }

        private void write() {
            long last = 0;
            try {
                OutputStream out = to.getOutputStream();
                while (!closed.get()) {
                    Chunk chunk = queue.take();
                    if (chunk == END) {
                        to.shutdownOutput();
                        break;
                    }
                    long due;
                    while (true) {
                        if (closed.get()) {
                            return;
                        }
                        long generation = link.generation();
                        due = impairment.release(chunk.draws(), last);
                        if (due != LinkSchedule.FOREVER && due <= link.ticker().nanos()) {
                            break;
                        }
                        link.awaitUntil(due, generation);
                        if (link.generation() != generation && due == LinkSchedule.FOREVER) {
                            // switched during a cut: the chunk goes again, as if it arrived now (TCP retransmits)
                            chunk = new Chunk(new Impairment.Draws(link.ticker().nanos(), chunk.draws().bytes(),
                                    chunk.draws().loss(), chunk.draws().jitter()), chunk.data());
                        }
                    }
                    last = due;
                    out.write(chunk.data());
                    out.flush();
                    window.release(chunk.data().length);
                    counters.passed(impairment.direction());
                    counters.bytes(impairment.direction(), chunk.data().length);
                }
            } catch (IOException | InterruptedException e) {
                close(from);
                close(to);
                return;
            }
            if (finished.incrementAndGet() == 2) {
                close(from);
                close(to);
            }
        }
    }

    private void close(Socket socket) {
        sockets.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.close();
        for (Socket socket : sockets) {
            close(socket);
        }
        link.switchTo(link.schedule()); // wakes waiters; they find their sockets closed
    }
}
