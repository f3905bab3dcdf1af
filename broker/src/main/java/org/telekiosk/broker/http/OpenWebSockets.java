package org.telekiosk.broker.http;

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
 * itself), so that a stopping broker can tell each one it is going away: close 1001 (protocol/README.md, the pages
 * reconnect) rather than a dropped connection (1006).
 */
@ChannelHandler.Sharable
final class OpenWebSockets extends ChannelInboundHandlerAdapter {
    private final ChannelGroup sockets = new DefaultChannelGroup("websockets", GlobalEventExecutor.INSTANCE);

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            sockets.add(ctx.channel());
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
        sockets.writeAndFlush(new CloseWebSocketFrame(CloseCodes.GOING_AWAY, "broker shutting down"))
                .awaitUninterruptibly(wait.toMillis());
        sockets.close().awaitUninterruptibly(wait.toMillis());
    }
}
