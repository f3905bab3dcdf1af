package org.telekiosk.broker.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.channel.Channel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.viewer.ViewerHub;
import org.telekiosk.broker.viewer.VitalsAccess;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.signaling.SignalError;
import org.telekiosk.protocol.viewer.ViewerEvent;
import org.telekiosk.protocol.viewer.ViewerRequest;

/**
 * One vitals WebSocket after the handshake: waits for a {@code hello}, has {@link VitalsAccess} judge it off the
 * event loop, joins the hub as the principal it grants, then decodes text frames into {@link ViewerRequest}s.
 * Closes with the RFC 6455 §7.4.1 status that fits when the browser breaks the protocol: 1003 for a binary frame,
 * 1007 for a text message that is not a valid request (after an {@code error} event that says why), 1009 for a
 * message over the size limit, 1002 for a close frame with an invalid status code; and, after an {@code error}
 * event, with the signaling socket's codes when the {@code hello} fails: 4400 (protocol version), 4401 (no
 * {@code hello} in time, a message before it, no valid session), 4403 (not this consultation's doctor, not a doctor,
 * a patient credential), 4410 (the consultation is over). Only this socket is affected.
 */
final class ViewerSocketHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger LOG = LoggerFactory.getLogger(ViewerSocketHandler.class);
    /** The name under which Netty's handshaker installs the frame decoder. */
    private static final String WEBSOCKET_DECODER = "wsdecoder";

    /** How long a socket may stay open without an accepted {@code hello}. */
    static final long HELLO_TIMEOUT_SECONDS = 15;

    private enum State { AWAITING_HELLO, CHECKING, JOINED, REFUSED }

    private final ViewerHub hub;
    private final VitalsAccess access;
    private final Executor executor;
    private final WireCodec json;
    private final WebSocketDecoderConfig decoderConfig;
    private Optional<OpaqueToken> cookieSession = Optional.empty();
    private volatile State state = State.AWAITING_HELLO;
    private NettyViewerSession session;

    ViewerSocketHandler(ViewerHub hub, VitalsAccess access, Executor executor, WireCodec json,
            WebSocketDecoderConfig decoderConfig) {
        this.hub = hub;
        this.access = access;
        this.executor = executor;
        this.json = json;
        this.decoderConfig = decoderConfig;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake) {
            cookieSession = SignalRoute.sessionCookie(handshake.requestHeaders());
            // A viewer may stay silent for as long as it watches: no read timeout once the socket is up.
            if (ctx.pipeline().get("idle") != null) {
                ctx.pipeline().remove("idle");
            }
            // The handshaker installed Netty's decoder; ours answers invalid close frames with 1002 (see there).
            if (ctx.pipeline().get(WEBSOCKET_DECODER) != null) {
                ctx.pipeline().replace(WEBSOCKET_DECODER, WEBSOCKET_DECODER, new ViewerFrameDecoder(decoderConfig));
            }
            session = new NettyViewerSession(ctx.channel());
            Channel channel = ctx.channel();
            ctx.executor().schedule(() -> {
                if (channel.isActive() && state == State.AWAITING_HELLO) {
                    refuse(channel, SignalError.NOT_AUTHENTICATED, "no hello in time");
                }
            }, HELLO_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.info("[{}] Vitals socket open", session.id());
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        switch (frame) {
            case TextWebSocketFrame text -> onText(ctx, text.text());
            case CloseWebSocketFrame close -> onClose(ctx, close);
            case BinaryWebSocketFrame binary ->
                    close(ctx, WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "binary frames are not accepted");
            default -> {
                // Ping and pong frames are answered and dropped by the protocol handler.
            }
        }
    }

    private void onText(ChannelHandlerContext ctx, String text) {
        ViewerRequest request;
        try {
            request = json.decode(text, ViewerRequest.class);
        } catch (MalformedMessageException e) {
            LOG.info("[{}] Malformed viewer message ({}): {}", ctx.channel().id().asShortText(), e.reason().code(),
                    e.getMessage());
            ctx.write(new TextWebSocketFrame(json.encodeToString(
                    new ViewerEvent.Error(e.reason().code(), e.getMessage()))));
            close(ctx, WebSocketCloseStatus.INVALID_PAYLOAD_DATA, e.reason().code());
            return;
        }
        switch (state) {
            case AWAITING_HELLO -> {
                if (request instanceof ViewerRequest.Hello hello) {
                    state = State.CHECKING;
                    executor.execute(() -> check(ctx.channel(), hello));
                } else {
                    refuse(ctx.channel(), SignalError.NOT_AUTHENTICATED, "hello first");
                }
            }
            case CHECKING, REFUSED -> ctx.writeAndFlush(new TextWebSocketFrame(json.encodeToString(new ViewerEvent.Error(
                    SignalError.OUT_OF_ORDER.code(), "wait for the answer to hello"))));
            case JOINED -> hub.handle(request).ifPresentOrElse(
                    answer -> ctx.writeAndFlush(new TextWebSocketFrame(json.encodeToString(answer))),
                    () -> ctx.writeAndFlush(new TextWebSocketFrame(json.encodeToString(new ViewerEvent.Error(
                            SignalError.OUT_OF_ORDER.code(), "hello was accepted already")))));
        }
    }

    /** Runs on the executor: session and consultation lookups and the first read of the calls block. */
    private void check(Channel channel, ViewerRequest.Hello hello) {
        VitalsAccess.Verdict verdict;
        try {
            verdict = access.authorize(hello, cookieSession);
        } catch (RuntimeException e) {
            LOG.warn("[{}] Checking a vitals hello failed: {}", session.id(), e.toString());
            state = State.REFUSED;
            channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INTERNAL_SERVER_ERROR))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        switch (verdict) {
            case VitalsAccess.Verdict.Denied denied -> {
                LOG.info("[{}] Vitals hello refused ({})", session.id(), denied.error().code());
                refuse(channel, denied.error(), denied.message());
            }
            case VitalsAccess.Verdict.Granted granted -> {
                hub.join(session, granted.principal(), access::openCalls);
                state = State.JOINED;
                if (!channel.isActive()) {
                    hub.leave(session);
                }
                LOG.info("[{}] Vitals viewer joined as {}", session.id(), granted.principal());
            }
        }
    }

    private void refuse(Channel channel, SignalError error, String message) {
        state = State.REFUSED;
        channel.write(new TextWebSocketFrame(json.encodeToString(new ViewerEvent.Error(error.code(), message))));
        channel.writeAndFlush(new CloseWebSocketFrame(error.closeCode(), error.code()))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void onClose(ChannelHandlerContext ctx, CloseWebSocketFrame close) {
        ctx.writeAndFlush(isValid(close)
                        ? new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE)
                        : new CloseWebSocketFrame(WebSocketCloseStatus.PROTOCOL_ERROR, "invalid close status"))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** RFC 6455 §5.5.1 and §7.4: no body, or a valid status code followed by a UTF-8 reason. */
    static boolean isValid(CloseWebSocketFrame close) {
        ByteBuf body = close.content();
        if (body.readableBytes() == 0) {
            return true;
        }
        if (body.readableBytes() == 1 || !WebSocketCloseStatus.isValidStatusCode(body.getUnsignedShort(0))) {
            return false;
        }
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(body.nioBuffer(2, body.readableBytes() - 2));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static void close(ChannelHandlerContext ctx, WebSocketCloseStatus status, String reason) {
        ctx.writeAndFlush(new CloseWebSocketFrame(status.code(), reason)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (session != null) {
            hub.leave(session);
            LOG.info("[{}] Vitals socket closed", session.id());
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException && ctx.channel().isActive()) {
            LOG.info("[{}] Viewer message too large: {}", ctx.channel().id().asShortText(), cause.getMessage());
            close(ctx, WebSocketCloseStatus.MESSAGE_TOO_BIG, "message too large");
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
