package org.telekiosk.broker.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.viewer.ViewerHub;
import org.telekiosk.broker.viewer.VitalsAccess;
import org.telekiosk.broker.viewer.VitalsConnection;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.viewer.ViewerEvent;
import org.telekiosk.protocol.viewer.ViewerRequest;

/**
 * One vitals WebSocket after the handshake: decodes text frames into {@link ViewerRequest}s for its
 * {@link VitalsConnection} (which judges the {@code hello} and joins the hub) and encodes what it sends. Closes with
 * the RFC 6455 §7.4.1 status that fits when the browser breaks the protocol: 1007 for a text message that is not a
 * valid request (after an {@code error} event that says why), and as {@link TextSocketHandler} for binary, oversized
 * and close frames; the {@code hello}'s refusals close with the signaling socket's codes (4400, 4401, 4403, 4410).
 * Only this socket is affected.
 */
final class ViewerSocketHandler extends TextSocketHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ViewerSocketHandler.class);

    /** How long a socket may stay open without an accepted {@code hello}. */
    static final long HELLO_TIMEOUT_SECONDS = 15;

    private final ViewerHub hub;
    private final VitalsAccess access;
    private final Executor executor;
    private final WireCodec json;
    private VitalsConnection connection;
    private NettyViewerSession session;

    ViewerSocketHandler(ViewerHub hub, VitalsAccess access, Executor executor, WireCodec json,
            WebSocketDecoderConfig decoderConfig) {
        super(decoderConfig, "Viewer");
        this.hub = hub;
        this.access = access;
        this.executor = executor;
        this.json = json;
    }

    @Override
    void opened(ChannelHandlerContext ctx, WebSocketServerProtocolHandler.HandshakeComplete handshake) {
        Channel channel = ctx.channel();
        // The frames of readings skip the HTTP handlers above the frame encoder (VitalsFrameEncoder), which must know
        // of a close frame written before it took the encoder's place: the one OpenWebSockets sends at a stop.
        VitalsFrameEncoder encoder = VitalsFrameEncoder.install(ctx.pipeline());
        OpenWebSockets open = ctx.pipeline().get(OpenWebSockets.class);
        if (encoder != null && open != null && open.closing()) {
            encoder.closeSent();
        }
        session = new NettyViewerSession(channel, encoder);
        connection = new VitalsConnection(hub, access, executor, session, new NettySocket(channel, json),
                SignalRoute.sessionCookie(handshake.requestHeaders()), System::nanoTime);
        VitalsConnection opened = connection;
        ctx.executor().schedule(opened::timedOut, HELLO_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        LOG.info("[{}] Vitals socket open", session.id());
    }

    @Override
    void text(ChannelHandlerContext ctx, String text) {
        ViewerRequest request;
        try {
            request = json.decode(text, ViewerRequest.class);
        } catch (MalformedMessageException e) {
            LOG.info("[{}] Malformed viewer message ({}): {}", ctx.channel().id().asShortText(), e.reason().code(),
                    e.getMessage());
            ctx.write(new TextWebSocketFrame(json.encodeToString(
                    new ViewerEvent.Error(e.reason().code(), e.getMessage()))));
            close(ctx, WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code(), e.reason().code());
            return;
        }
        if (connection != null) {
            connection.receive(request);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (connection != null) {
            connection.closed();
            LOG.info("[{}] Vitals socket closed", session.id());
        }
        super.channelInactive(ctx);
    }

    /** The connection's view of this channel. */
    private record NettySocket(Channel channel, WireCodec json) implements VitalsConnection.Socket {
        @Override
        public void send(ViewerEvent event) {
            channel.writeAndFlush(new TextWebSocketFrame(json.encodeToString(event)));
        }

        @Override
        public void close(int code, String reason) {
            channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public boolean isOpen() {
            return channel.isActive();
        }
    }
}
