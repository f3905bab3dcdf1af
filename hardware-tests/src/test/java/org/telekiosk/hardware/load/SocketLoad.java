package org.telekiosk.hardware.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Issue 16's socket load, in a process of its own (started by {@link SocketBenchmark}): many logged-in signaling
 * sockets held open with heartbeats, through Netty's WebSocket client (the JDK's {@code HttpClient} costs a selector
 * and buffers per client). Each plan line is one consultation: its doctor's socket ({@code hello} with the doctor's
 * login session) and, when the line has a resume token, its patient's (in the call: {@code hello} with
 * {@code kind:"resume"}). Every socket sends {@code ping} every 10 s as the served page does ({@code signal.js}), its
 * phase spread.
 *
 * <p>Commands on standard input, one a line: {@code open <consultations>} opens the next ones (doctor first, then
 * the patient, at most {@value #IN_FLIGHT} handshakes at once) and answers {@code OPENED <sockets> <ms>} once every
 * one has its {@code welcome}; {@code relay <n>} sends {@code n} chat lines, one at a time, each from a random doctor
 * to the patient in the call and answers {@code RELAY n=… p50=… p99=… max=…} (milliseconds, send to arrival, both on
 * this process's clock); {@code quit} ends.
 *
 * <p>Arguments: {@code plan-file}. The plan (owner-only: it holds sessions): {@code signal <wss-uri>},
 * {@code origin <origin>}, {@code ca <pem file>}, then per consultation {@code c <doctor hello> [<patient hello>]},
 * tab-separated.
 */
public final class SocketLoad {
    static final int IN_FLIGHT = 64;
    static final long PING_MILLIS = 10_000;

    private final URI uri;
    private final String origin;
    private final SslContext ssl;
    private final EventLoopGroup group = new NioEventLoopGroup(2);
    private final List<String[]> consultations;
    private final List<Pair> open = new ArrayList<>();
    private final ConcurrentHashMap<String, Long> relaySent = new ConcurrentHashMap<>();
    private final LongAdder pongs = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final AtomicLong nonce = new AtomicLong();
    private volatile CompletableFuture<Long> relayArrival;

    private record Pair(Channel doctor, Channel patient) {}

    private SocketLoad(URI uri, String origin, SslContext ssl, List<String[]> consultations) {
        this.uri = uri;
        this.origin = origin;
        this.ssl = ssl;
        this.consultations = consultations;
    }

    public static void main(String[] args) throws Exception {
        String uri = null;
        String origin = null;
        String ca = null;
        List<String[]> consultations = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            switch (f[0]) {
                case "signal" -> uri = f[1];
                case "origin" -> origin = f[1];
                case "ca" -> ca = f[1];
                case "c" -> consultations.add(Arrays.copyOfRange(f, 1, f.length));
                default -> { }
            }
        }
        // BoringSSL when it loads (the broker's runtime classpath has it): the lighter client per socket
        SslContext ssl = SslContextBuilder.forClient().sslProvider(io.netty.handler.ssl.OpenSsl.isAvailable()
                        ? io.netty.handler.ssl.SslProvider.OPENSSL : io.netty.handler.ssl.SslProvider.JDK)
                .trustManager(Path.of(ca).toFile()).protocols("TLSv1.3").build();
        SocketLoad load = new SocketLoad(URI.create(uri), origin, ssl, consultations);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            for (String command = in.readLine(); command != null; command = in.readLine()) {
                String[] c = command.trim().split("\\s+");
                switch (c[0]) {
                    case "open" -> load.open(Integer.parseInt(c[1]));
                    case "relay" -> load.relay(Integer.parseInt(c[1]));
                    case "quit" -> {
                        return;
                    }
                    default -> System.out.println("ERROR unknown command " + command);
                }
                System.out.flush();
            }
        } finally {
            load.group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            System.exit(0);
        }
    }

    private void open(int more) throws Exception {
        long start = System.nanoTime();
        int from = open.size();
        int to = Math.min(consultations.size(), from + more);
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        List<CompletableFuture<Pair>> pairs = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String[] line = consultations.get(i);
            inFlight.acquire();
            CompletableFuture<Pair> pair = connect(line[0], null).thenCompose(doctor -> line.length > 1
                    ? connect(line[1], null).thenApply(patient -> new Pair(doctor, patient))
                    : CompletableFuture.completedFuture(new Pair(doctor, null)));
            pair.whenComplete((p, e) -> inFlight.release());
            pairs.add(pair);
        }
        int sockets = 0;
        for (CompletableFuture<Pair> pair : pairs) {
            try {
                Pair p = pair.get(120, TimeUnit.SECONDS);
                open.add(p);
            } catch (Exception e) {
                failures.increment();
                System.out.println("FAILED " + e);
            }
        }
        for (Pair p : open) {
            sockets += p.patient() == null ? 1 : 2;
        }
        System.out.printf(Locale.ROOT, "OPENED %d %d failures=%d pongs=%d%n", sockets,
                (System.nanoTime() - start) / 1_000_000, failures.sum(), pongs.sum());
    }

    /** One socket: TLS, WebSocket handshake, {@code hello}; completes at its {@code welcome}. */
    private CompletableFuture<Channel> connect(String hello, String cookie) {
        CompletableFuture<Channel> welcomed = new CompletableFuture<>();
        DefaultHttpHeaders headers = new DefaultHttpHeaders();
        headers.set(HttpHeaderNames.ORIGIN, origin);
        if (cookie != null) {
            headers.set(HttpHeaderNames.COOKIE, cookie);
        }
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder().webSocketUri(uri)
                .customHeaders(headers).handleCloseFrames(true).dropPongFrames(true).maxFramePayloadLength(65536)
                .handshakeTimeoutMillis(60_000).build();
        new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc(), uri.getHost(), uri.getPort()),
                                new HttpClientCodec(), new HttpObjectAggregator(8192),
                                new WebSocketClientProtocolHandler(config), new WebSocketFrameAggregator(65536),
                                new Socket(hello, welcomed));
                    }
                })
                .connect(uri.getHost(), uri.getPort()).addListener(f -> {
                    if (!f.isSuccess()) {
                        welcomed.completeExceptionally(f.cause());
                    }
                });
        return welcomed;
    }

    /** Says hello after the handshake, completes {@code welcomed}, pings, notes pongs and relayed chat lines. */
    private final class Socket extends SimpleChannelInboundHandler<WebSocketFrame> {
        private final String hello;
        private final CompletableFuture<Channel> welcomed;

        Socket(String hello, CompletableFuture<Channel> welcomed) {
            this.hello = hello;
            this.welcomed = welcomed;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                ctx.writeAndFlush(new TextWebSocketFrame(hello));
                long first = ThreadLocalRandom.current().nextLong(PING_MILLIS);
                ctx.executor().scheduleAtFixedRate(() -> {
                    if (ctx.channel().isActive()) {
                        ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"ping\",\"nonce\":\"p"
                                + nonce.incrementAndGet() + "\"}"), ctx.voidPromise());
                    }
                }, first, PING_MILLIS, TimeUnit.MILLISECONDS);
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (!(frame instanceof TextWebSocketFrame text)) {
                return;
            }
            String s = text.text();
            if (s.contains("\"type\":\"welcome\"")) {
                welcomed.complete(ctx.channel());
            } else if (s.contains("\"type\":\"pong\"")) {
                pongs.increment();
            } else if (s.contains("\"type\":\"chat\"")) {
                long now = System.nanoTime();
                int at = s.indexOf("\"text\":\"");
                String key = at < 0 ? "" : s.substring(at + 8, s.indexOf('"', at + 8));
                Long sent = relaySent.remove(key);
                CompletableFuture<Long> waiting = relayArrival;
                if (sent != null && waiting != null) {
                    waiting.complete(now - sent);
                }
            } else if (s.contains("\"type\":\"error\"") && !welcomed.isDone()) {
                welcomed.completeExceptionally(new IllegalStateException("refused: " + s));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (!welcomed.isDone()) {
                welcomed.completeExceptionally(new IllegalStateException("closed before welcome"));
            } else {
                failures.increment();
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            welcomed.completeExceptionally(cause);
            ctx.close();
        }
    }

    private void relay(int n) throws Exception {
        List<Pair> pairs = open.stream().filter(p -> p.patient() != null).toList();
        if (pairs.isEmpty()) {
            System.out.println("RELAY n=0 (no patients)");
            return;
        }
        long[] micros = new long[n];
        int done = 0;
        for (int i = 0; i < n; i++) {
            Pair pair = pairs.get(ThreadLocalRandom.current().nextInt(pairs.size()));
            String key = "r" + i;
            CompletableFuture<Long> arrival = new CompletableFuture<>();
            relayArrival = arrival;
            relaySent.put(key, System.nanoTime());
            pair.doctor().writeAndFlush(new TextWebSocketFrame("{\"type\":\"chat\",\"text\":\"" + key + "\"}"));
            try {
                micros[done++] = arrival.get(10, TimeUnit.SECONDS) / 1_000;
            } catch (java.util.concurrent.TimeoutException e) {
                done--;
                failures.increment();
            }
            Thread.sleep(20); // spacing between probes of a load tool, not a test's synchronisation
        }
        long[] sorted = Arrays.copyOf(micros, done);
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "RELAY n=%d p50=%.2f p99=%.2f max=%.2f lost=%d pongs=%d%n", done,
                at(sorted, 0.50) / 1000.0, at(sorted, 0.99) / 1000.0,
                done == 0 ? 0 : sorted[done - 1] / 1000.0, n - done, pongs.sum());
    }

    private static long at(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
