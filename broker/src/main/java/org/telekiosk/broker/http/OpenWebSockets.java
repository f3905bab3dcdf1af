package org.telekiosk.broker.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import org.telekiosk.protocol.signaling.CloseCodes;

/**
 * The listener's open vitals and signaling sockets (from their handshake on; a closed channel leaves the group by
 * itself), so that a stopping broker can tell each one why it closes: 1001 at a stop, 1012 at a drain
 * (protocol/README.md; the pages reconnect and resume), rather than a dropped connection (1006) or the protocol
 * handler's "1000 Bye" when the event loops shut down.
 *
 * <p>A handshake may complete while the broker stops: the client has its 101 (the response was flushed) but the event
 * loop has not yet told the pipeline, so the socket is not in the group that {@link #closeAll} walks. Such a socket
 * sees the close set by {@link #closeAll} and is told it itself. The close is set before the group is walked and a
 * socket joins the group before it reads it, so each socket is told by one of the two, at worst by both (the second
 * close frame is then dropped by the protocol handler).
 */
@ChannelHandler.Sharable
final class OpenWebSockets extends ChannelInboundHandlerAdapter {
    private static final String GOING_AWAY_REASON = "broker shutting down";

    /** Why every socket closes from now on; null while the broker runs. */
    private record Closing(int code, String reason) {}

    private final ChannelGroup sockets = new DefaultChannelGroup("websockets", GlobalEventExecutor.INSTANCE);
    private volatile Closing closing;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            sockets.add(ctx.channel());
            Closing now = closing;
            if (now != null) {
                ctx.channel().writeAndFlush(new CloseWebSocketFrame(now.code(), now.reason()))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    /** Whether the sockets are being closed (a stop or a drain): a handshake completing now was told so. */
    boolean closing() {
        return closing != null;
    }

    int size() {
        return sockets.size();
    }

    /**
     * Sends every open socket a close frame 1001 and closes it, waiting at most {@code wait} for the frames to be
     * written. Called from the thread that stops the broker, never from an event loop.
     */
    void goingAway(Duration wait) {
        closeAll(CloseCodes.GOING_AWAY, GOING_AWAY_REASON, wait);
    }

    /**
     * Sends every open socket, and every one whose handshake completes from now on, a close frame {@code code} with
     * {@code reason} and closes it, waiting at most {@code wait} for the frames to be written and again for the
     * closes. Called from the thread that stops or drains the broker, never from an event loop.
     */
    void closeAll(int code, String reason, Duration wait) {
        closing = new Closing(code, reason);
        sockets.writeAndFlush(new CloseWebSocketFrame(code, reason)).awaitUninterruptibly(wait.toMillis());
        sockets.close().awaitUninterruptibly(wait.toMillis());
    }
}
