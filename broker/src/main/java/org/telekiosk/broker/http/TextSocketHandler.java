package org.telekiosk.broker.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the vitals and the signaling socket share after the handshake: the read timeout goes (a socket may stay
 * quiet for as long as it is open), our frame decoder replaces Netty's (it answers an invalid close frame with 1002),
 * a close frame is answered (1000, or 1002 for an invalid status code, RFC 6455 §7.4), a binary frame closes with
 * 1003 and a frame over the limit with 1009; an unexpected failure of ours while handling a message closes with 1011
 * (a network failure just closes). Subclasses take the text messages.
 */
abstract class TextSocketHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger LOG = LoggerFactory.getLogger(TextSocketHandler.class);
    /** The name under which Netty's handshaker installs the frame decoder. */
    private static final String WEBSOCKET_DECODER = "wsdecoder";

    private final WebSocketDecoderConfig decoderConfig;
    private final String kind;

    /** @param kind what the socket carries, for logs ("Viewer", "Signaling") */
    TextSocketHandler(WebSocketDecoderConfig decoderConfig, String kind) {
        this.decoderConfig = decoderConfig;
        this.kind = kind;
    }

    /** The handshake completed and the pipeline is ready for messages. */
    abstract void opened(ChannelHandlerContext ctx, WebSocketServerProtocolHandler.HandshakeComplete handshake);

    /** One text message, on the event loop. */
    abstract void text(ChannelHandlerContext ctx, String text);

    @Override
    public final void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake) {
            if (ctx.pipeline().get("idle") != null) {
                ctx.pipeline().remove("idle");
            }
            if (ctx.pipeline().get(WEBSOCKET_DECODER) != null) {
                ctx.pipeline().replace(WEBSOCKET_DECODER, WEBSOCKET_DECODER, new ViewerFrameDecoder(decoderConfig));
            }
            opened(ctx, handshake);
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    protected final void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        switch (frame) {
            case TextWebSocketFrame text -> text(ctx, text.text());
            case CloseWebSocketFrame close -> ctx.writeAndFlush(isValid(close)
                            ? new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE)
                            : new CloseWebSocketFrame(WebSocketCloseStatus.PROTOCOL_ERROR, "invalid close status"))
                    .addListener(ChannelFutureListener.CLOSE);
            case BinaryWebSocketFrame binary -> close(ctx, WebSocketCloseStatus.INVALID_MESSAGE_TYPE.code(),
                    "binary frames are not accepted");
            default -> {
                // Ping and pong frames are answered and dropped by the protocol handler.
            }
        }
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

    static void close(ChannelHandlerContext ctx, int code, String reason) {
        ctx.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof io.netty.handler.timeout.ReadTimeoutException) {
            // An idle connection's timeout (IdleConnection; it runs only before a WebSocket is up): not a socket's
            // failure, no close frame on a connection that is no WebSocket; the error tail closes it quietly.
            ctx.fireExceptionCaught(cause);
            return;
        }
        if (cause instanceof CorruptedWebSocketFrameException corrupted && ctx.channel().isActive()) {
            // A frame that breaks RFC 6455 (a control frame over 125 bytes or with one byte of close payload, a
            // reserved bit or opcode, invalid UTF-8, a frame over the limit): answered here with the decoder's close
            // status (1002, 1007, 1009), written through the protocol handler so that it is the only close frame.
            // Netty's decoder would write it itself, but from a place in the pipeline where the frame passes neither
            // the frame encoder nor the protocol handler: the peer saw only "1000 Bye" (Autobahn 7.3.2, 7.3.6).
            WebSocketCloseStatus status = corrupted.closeStatus();
            LOG.info("[{}] {} socket broke the WebSocket protocol: closed with {}", ctx.channel().id().asShortText(),
                    kind, status.code());
            close(ctx, status.code(), status.reasonText());
            return;
        }
        if (cause instanceof TooLongFrameException && ctx.channel().isActive()) {
            LOG.info("[{}] {} message too large: {}", ctx.channel().id().asShortText(), kind, cause.getMessage());
            close(ctx, WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message too large");
            return;
        }
        if (!(cause instanceof IOException) && !(cause.getCause() instanceof IOException)
                && !(cause instanceof DecoderException) && ctx.channel().isActive()) {
            // Our own failure while handling a message: 1011 (RFC 6455 §7.4.1; protocol/README.md, the page
            // reconnects), never the 1000 the protocol handler would send if the channel were just closed.
            LOG.warn("[{}] {} socket failed: {}; closed with 1011", ctx.channel().id().asShortText(), kind,
                    cause.toString());
            LOG.debug("Details", cause);
            close(ctx, WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "internal error");
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
