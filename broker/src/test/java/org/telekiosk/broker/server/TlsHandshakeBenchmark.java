package org.telekiosk.broker.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.telekiosk.broker.config.TlsProvider;
import org.telekiosk.broker.testing.BrokerExtension;

/**
 * Issue 16: full TLS 1.3 handshakes a second on the broker's HTTPS listener, per {@code https.tls-provider}. A real
 * broker (as {@link BrokerExtension} starts it) with the provider, and a client in this JVM that keeps
 * {@code tls.concurrency} handshakes in flight, each on a new connection without a session to resume (no peer host
 * given, so no client session cache entry), closed once its handshake is done. After {@code tls.warmup} seconds (JSSE
 * needs more than 10 s, FACTS.md) it counts for {@code tls.seconds}: handshakes a second (which on 2 vCPUs depends on
 * what else runs, client included) and the CPU time of the listener's threads ({@code https-io-*},
 * {@code https-accept-*}) per handshake, which does not. Opt-in: {@code -Dtls.seconds=20} ({@code -Dtls.provider=jdk},
 * {@code openssl} or {@code both}, the default). Command and figures: docs/benchmarks.md, issue 16.
 */
@EnabledIfSystemProperty(named = "tls.seconds", matches = "\\d+")
class TlsHandshakeBenchmark {
    @Test
    void measuresHandshakesPerProvider() throws Exception {
        String which = System.getProperty("tls.provider", "both");
        int warmup = Integer.getInteger("tls.warmup", 15);
        int seconds = Integer.getInteger("tls.seconds");
        int concurrency = Integer.getInteger("tls.concurrency", 8);
        for (TlsProvider provider : List.of(TlsProvider.JDK, TlsProvider.OPENSSL)) {
            if (which.equals("both") || which.equals(provider.key())) {
                run(provider, warmup, seconds, concurrency);
            }
        }
    }

    private static void run(TlsProvider provider, int warmup, int seconds, int concurrency) throws Exception {
        BrokerExtension broker = new BrokerExtension(Map.of("https.tls-provider", provider.key(),
                "https.max-connections-per-address", "100000"));
        broker.beforeAll(null);
        EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("tls-client"));
        try {
            SslContext client = SslContextBuilder.forClient()
                    .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                    .trustManager(broker.broker().pki().caCertificate())
                    .protocols("TLSv1.3").build();
            Firing firing = new Firing(group, client, broker.broker().httpsPort());
            for (int i = 0; i < concurrency; i++) {
                firing.next();
            }
            TimeUnit.SECONDS.sleep(warmup); // the warm-up of a load tool, not a test's synchronisation
            long cpu0 = listenerCpu();
            long done0 = firing.done.sum();
            long failed0 = firing.failed.sum();
            long t0 = System.nanoTime();
            String load0 = loadAverage();
            TimeUnit.SECONDS.sleep(seconds);
            long cpu1 = listenerCpu();
            long done = firing.done.sum() - done0;
            long failed = firing.failed.sum() - failed0;
            double elapsed = (System.nanoTime() - t0) / 1e9;
            firing.running.set(false);
            System.out.printf(Locale.ROOT, "HANDSHAKES provider=%s client=%s handshakes=%d failed=%d seconds=%.1f "
                    + "perSecond=%.0f listenerCpuMicrosPerHandshake=%.0f (cores: %d; load %s -> %s)%n",
                    provider.key(), OpenSsl.isAvailable() ? "openssl" : "jdk", done, failed, elapsed, done / elapsed,
                    done == 0 ? 0 : (cpu1 - cpu0) / 1e3 / done, Runtime.getRuntime().availableProcessors(), load0,
                    loadAverage());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            broker.afterAll(null);
        }
    }

    /** Keeps handshakes going: each finished one (either way) starts the next while running. */
    private static final class Firing {
        final LongAdder done = new LongAdder();
        final LongAdder failed = new LongAdder();
        final AtomicBoolean running = new AtomicBoolean(true);
        private final Bootstrap bootstrap;

        Firing(EventLoopGroup group, SslContext client, int port) {
            this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .remoteAddress("127.0.0.1", port)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(client.newHandler(ch.alloc()), new ChannelInboundHandlerAdapter() {
                                @Override
                                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                    if (evt instanceof SslHandshakeCompletionEvent completion) {
                                        (completion.isSuccess() ? done : failed).increment();
                                        ctx.close();
                                    }
                                }

                                @Override
                                public void channelInactive(ChannelHandlerContext ctx) {
                                    next();
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    ctx.close();
                                }
                            });
                        }
                    });
        }

        void next() {
            if (running.get()) {
                bootstrap.connect().addListener(f -> {
                    if (!f.isSuccess()) {
                        failed.increment();
                        next();
                    }
                });
            }
        }
    }

    /** CPU time (ns) of the HTTPS listener's threads. */
    private static long listenerCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && (info.getThreadName().startsWith("https-io")
                    || info.getThreadName().startsWith("https-accept"))) {
                sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
