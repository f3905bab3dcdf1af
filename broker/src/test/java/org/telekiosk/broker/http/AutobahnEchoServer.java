package org.telekiosk.broker.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;

/**
 * The target of the Autobahn WebSocket conformance run ({@code mvn -pl broker -am -Pautobahn -DskipTests verify},
 * docs/security.md): the broker's own WebSocket frame handling without TLS, echoing every text message.
 *
 * <p>It is {@link BrokerInitializer}'s pipeline from the HTTP codec on: {@link StrictHttpServerCodec},
 * {@link RequestFraming}, the request aggregator, the protocol handler with the broker's {@link BrokerInitializer#decoderConfig decoder configuration} (masked frames, no
 * extensions, UTF-8 checked, violations close), the frame aggregator, and a {@link TextSocketHandler} — which swaps
 * in {@link ViewerFrameDecoder} and answers close frames exactly as the vitals and signaling sockets do. Only the
 * frame limit is larger (16 MiB instead of the sockets' few KiB), so that Autobahn's long-message cases test
 * framing rather than the limit; the limit's own answer (1009) is covered by the sockets' tests.
 */
public final class AutobahnEchoServer {
    static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;

    private AutobahnEchoServer() {
    }

    /** The plugin passes the port as the only argument and waits until it accepts connections. */
    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        EventLoopGroup group = new NioEventLoopGroup(1);
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            pipeline(ch.pipeline());
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
            server.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    static void pipeline(ChannelPipeline p) {
        StrictHttpServerCodec http = new StrictHttpServerCodec(4096, 8192, 8192);
        p.addLast("http-decoder", http.decoder());
        p.addLast("http-encoder", http.encoder());
        p.addLast("framing", new RequestFraming());
        p.addLast("aggregate", new HttpObjectAggregator(BrokerInitializer.MAX_REQUEST_BYTES));
        WebSocketDecoderConfig decoder = BrokerInitializer.decoderConfig(MAX_FRAME_BYTES);
        p.addLast("websocket", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/")
                .checkStartsWith(true)
                .handleCloseFrames(false)
                .dropPongFrames(true)
                .handshakeTimeoutMillis(10_000)
                .decoderConfig(decoder)
                .build()));
        p.addLast("frames", new WebSocketFrameAggregator(MAX_FRAME_BYTES));
        p.addLast("echo", new Echo(decoder));
    }

    /** Echoes text messages; everything else is {@link TextSocketHandler}'s, as on the broker's sockets. */
    private static final class Echo extends TextSocketHandler {
        Echo(WebSocketDecoderConfig decoderConfig) {
            super(decoderConfig, "Autobahn");
        }

        @Override
        void opened(ChannelHandlerContext ctx, WebSocketServerProtocolHandler.HandshakeComplete handshake) {
        }

        @Override
        void text(ChannelHandlerContext ctx, String text) {
            ctx.writeAndFlush(new TextWebSocketFrame(text));
        }
    }
}
