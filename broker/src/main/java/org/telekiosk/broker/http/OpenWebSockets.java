package org.telekiosk.broker.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelFutureListener;
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
 * itself), so that a stopping broker can tell each one it is going away: close 1001 (protocol/README.md, the pages
 * reconnect) rather than a dropped connection (1006) or the protocol handler's "1000 Bye" when the event loops shut
 * down.
 *
 * <p>A handshake may complete while the broker stops: the client has its 101 (the response was flushed) but the event
 * loop has not yet told the pipeline, so the socket is not in the group that {@link #goingAway} walks. Such a socket
 * sees the flag set by {@link #goingAway} and is told 1001 itself. The flag is set before the group is walked and a
 * socket joins the group before it reads the flag, so each socket is told by one of the two, at worst by both (the
 * second close frame is then dropped by the protocol handler).
 */
@ChannelHandler.Sharable
final class OpenWebSockets extends ChannelInboundHandlerAdapter {
    private static final String GOING_AWAY_REASON = "broker shutting down";

    private final ChannelGroup sockets = new DefaultChannelGroup("websockets", GlobalEventExecutor.INSTANCE);
    private volatile boolean goingAway;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            sockets.add(ctx.channel());
            if (goingAway) {
                ctx.channel().writeAndFlush(new CloseWebSocketFrame(CloseCodes.GOING_AWAY, GOING_AWAY_REASON))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    int size() {
        return sockets.size();
    }

    /**
     * Sends every open socket a close frame 1001 and closes it, waiting at most {@code wait} for the frames to be
     * written. Called from the thread that stops the broker, never from an event loop.
     */
    void goingAway(Duration wait) {
        goingAway = true;
        sockets.writeAndFlush(new CloseWebSocketFrame(CloseCodes.GOING_AWAY, GOING_AWAY_REASON))
                .awaitUninterruptibly(wait.toMillis());
        sockets.close().awaitUninterruptibly(wait.toMillis());
    }
}
