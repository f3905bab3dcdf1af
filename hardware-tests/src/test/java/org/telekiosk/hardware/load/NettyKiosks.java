package org.telekiosk.hardware.load;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.telekiosk.agent.uplink.UplinkSettings;
import org.telekiosk.broker.config.NettyTransport;
import org.telekiosk.broker.server.EventLoops;
import org.telekiosk.protocol.retry.ReconnectPolicy;

/**
 * The generator's {@link NettyUplink}s: one event-loop group for all of them ({@value #THREADS} thread: a kiosk's
 * traffic is a few small packets a second, and the machine's two cores are the broker's too), one TLS client context
 * a kiosk ({@link FleetTls}: BoringSSL when it loads, the kiosk's enrolled key and certificate), and their counts:
 * PUBACK reason codes, failed attempts and lost connections by reason. The group's transport is the generator's
 * {@code -Dload.transport} ({@link #transport()}: Netty's native epoll where it loads, unless set).
 */
final class NettyKiosks implements AutoCloseable {
    static final int THREADS = 1;
    /** The largest packet a kiosk takes from the server; a larger one fails to decode and the connection ends. */
    static final int MAX_PACKET = 64 * 1024;

    private final EventLoopGroup group;
    private final FleetTls tls = new FleetTls();
    final Counts counts = new Counts();
    private final GeneratorPaths paths;

    NettyKiosks() {
        this(GeneratorPaths.all(), transport());
    }

    NettyKiosks(GeneratorPaths paths, EventLoops loops) {
        this.paths = paths;
        this.group = loops.group(THREADS, new DefaultThreadFactory("load-kiosks", true));
    }

    /**
     * The transport of the generator's event loops (its kiosks' and its doctors' sockets'): {@code
     * -Dload.transport=auto|nio|epoll}, auto (Netty's native epoll where it loads) unless set, as the broker's
     * {@code https.transport}.
     */
    static EventLoops transport() {
        return EventLoops.of(NettyTransport.parse("load.transport", System.getProperty("load.transport", "auto")),
                "load.transport");
    }

    /** A kiosk's uplink on the shared group; starts nothing until {@link NettyUplink#start()}. */
    NettyUplink open(UplinkSettings settings, ReconnectPolicy reconnect) throws IOException {
        SslContext context = tls.clientContext(settings);
        EventLoop loop = group.next();
        return new NettyUplink(settings, session -> MqttPackets.dial(loop, context, settings, MAX_PACKET, counts,
                session), loop, reconnect, counts, paths);
    }

    /** Returns once every task that was queued on the group's loops before the call has run. */
    void quiesce() {
        for (EventExecutor loop : group) {
            loop.submit(() -> { }).syncUninterruptibly();
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + root.getMessage();
        return root.getClass().getSimpleName() + (message.length() > 90 ? message.substring(0, 90) : message);
    }

    /** PUBACK reason codes (every one, the {@code online} announcements' too) and rarer events by name. */
    static final class Counts {
        private final AtomicLongArray pubacks = new AtomicLongArray(256);
        private final ConcurrentHashMap<String, LongAdder> events = new ConcurrentHashMap<>();

        void puback(int reasonCode) {
            pubacks.incrementAndGet(reasonCode & 0xFF);
        }

        void count(String event) {
            events.computeIfAbsent(event, e -> new LongAdder()).increment();
        }

        /** E.g. {@code {PUBACK 0x00=90312, PUBACK 0x97=12, attempt failed: …=1}}. */
        Map<String, Long> snapshot() {
            Map<String, Long> out = new TreeMap<>();
            for (int code = 0; code < 256; code++) {
                long n = pubacks.get(code);
                if (n > 0) {
                    out.put(String.format(java.util.Locale.ROOT, "PUBACK 0x%02X", code), n);
                }
            }
            events.forEach((event, n) -> out.put(event, n.sum()));
            return out;
        }
    }
}
