package org.telekiosk.hardware.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.telekiosk.broker.server.EventLoops;

/**
 * The doctors' vitals sockets of the {@link LoadGenerator}: one TLS WebSocket per doctor, each saying its
 * {@code hello} and then reading every frame, on one Netty event loop with BoringSSL when it loads (the broker's
 * runtime class path has it; JSSE otherwise), as {@link SocketLoad} does. Each frame's kind and the moment its
 * reading was complete are read from its bytes ({@link ViewerFrames}) when it arrives, and handed to {@link Arrivals}
 * on the event loop. The JDK's {@code HttpClient} WebSocket, which this replaces, cost a selector thread, its own
 * TLS engine hand-offs and a full JSON decode per frame (docs/benchmarks.md, "The load generator's own cost").
 */
final class ViewerSockets implements AutoCloseable {
    /** Told of every reading or batch that a socket delivered, on the event loop. */
    interface Arrivals {
        /** @param kind {@link ViewerFrames#SPOT} or {@link ViewerFrames#BATCH} */
        void arrived(int kind, long latencyMicros);

        /** A frame the generator could not read (printed; the old decoder's refusal). */
        void unreadable(String why);
    }

    private static final int MAX_FRAME = 65_536;

    private final URI uri;
    private final String origin;
    private final SslContext ssl;
    private final Clock clock;
    private final Arrivals arrivals;
    private final GeneratorPaths paths;
    private final EventLoopGroup group;
    private final List<Channel> open = new CopyOnWriteArrayList<>();

    ViewerSockets(URI uri, String origin, Path caFile, Clock clock, Arrivals arrivals) throws Exception {
        this(uri, origin, caFile, clock, arrivals, GeneratorPaths.all(), NettyKiosks.transport());
    }

    /**
     * @param paths whether a frame's instants are read in place ({@link GeneratorPaths.Path#FRAMES})
     * @param loops the event loop's transport ({@code -Dload.transport}: epoll or NIO)
     */
    ViewerSockets(URI uri, String origin, Path caFile, Clock clock, Arrivals arrivals, GeneratorPaths paths,
            EventLoops loops) throws Exception {
        this.paths = paths;
        this.group = loops.group(1, new DefaultThreadFactory("viewer-sockets", true));
        this.uri = uri;
        this.origin = origin;
        this.clock = clock;
        this.arrivals = arrivals;
        this.ssl = SslContextBuilder.forClient()
                .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                .trustManager(caFile.toFile()).protocols("TLSv1.3").build();
    }

    /** Which TLS implementation the sockets use. */
    String provider() {
        return OpenSsl.isAvailable() ? "BoringSSL " + OpenSsl.versionString() : "JSSE";
    }

    /** Opens one socket and says {@code hello}; completes when the broker answers {@code welcome}. */
    CompletableFuture<Channel> open(String hello) {
        CompletableFuture<Channel> welcomed = new CompletableFuture<>();
        DefaultHttpHeaders headers = new DefaultHttpHeaders();
        headers.set(HttpHeaderNames.ORIGIN, origin);
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder().webSocketUri(uri)
                .customHeaders(headers).handleCloseFrames(true).dropPongFrames(true).maxFramePayloadLength(MAX_FRAME)
                .handshakeTimeoutMillis(60_000).build();
        new Bootstrap().group(group).channel(EventLoops.socketChannel(group)).option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc(), uri.getHost(), uri.getPort()),
                                new HttpClientCodec(), new HttpObjectAggregator(8192),
                                new WebSocketClientProtocolHandler(config), new WebSocketFrameAggregator(MAX_FRAME),
                                new Viewer(hello, welcomed));
                    }
                })
                .connect(uri.getHost(), uri.getPort()).addListener(f -> {
                    if (!f.isSuccess()) {
                        welcomed.completeExceptionally(f.cause());
                    }
                });
        return welcomed.thenApply(channel -> {
            open.add(channel);
            return channel;
        });
    }

    /** Closes every socket at once (no close handshake, as the JDK client's {@code abort}) and the event loop. */
    @Override
    public void close() {
        open.forEach(Channel::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One doctor's socket: hello after the upgrade, then every text frame read where it lies. */
    private final class Viewer extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        private final String hello;
        private final CompletableFuture<Channel> welcomed;
        private byte[] bytes = new byte[4096];

        Viewer(String hello, CompletableFuture<Channel> welcomed) {
            this.hello = hello;
            this.welcomed = welcomed;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                ctx.writeAndFlush(new TextWebSocketFrame(hello));
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            long received = micros(clock);
            ByteBuf content = frame.content();
            int length = content.readableBytes();
            if (bytes.length < length) {
                bytes = new byte[Math.max(length, bytes.length * 2)];
            }
            content.getBytes(content.readerIndex(), bytes, 0, length);
            int kind = ViewerFrames.kind(bytes, length);
            if (kind == ViewerFrames.OTHER) {
                if (!welcomed.isDone()) {
                    String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
                    if (text.startsWith("{\"type\":\"welcome\"")) {
                        welcomed.complete(ctx.channel());
                    } else if (text.startsWith("{\"type\":\"error\"")) {
                        welcomed.completeExceptionally(new IllegalStateException("refused: " + text));
                    }
                }
                return;
            }
            try {
                arrivals.arrived(kind, received - ViewerFrames.completeMicros(bytes, length, kind,
                        paths.on(GeneratorPaths.Path.FRAMES)));
            } catch (RuntimeException e) {
                arrivals.unreadable(e.toString());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            welcomed.completeExceptionally(new IllegalStateException("closed before welcome"));
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            welcomed.completeExceptionally(cause);
            ctx.close();
        }
    }

    private static long micros(Clock clock) {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }
}
