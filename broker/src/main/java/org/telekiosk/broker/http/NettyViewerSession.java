package org.telekiosk.broker.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.telekiosk.broker.viewer.ViewerSession;

/**
 * A viewer on a Netty channel. Writability follows the channel's write buffer water marks, so a browser that does
 * not read makes {@link #sendText} return false instead of growing the broker's memory.
 */
final class NettyViewerSession implements ViewerSession {
    private final Channel channel;

    NettyViewerSession(Channel channel) {
        this.channel = channel;
    }

    @Override
    public String id() {
        return channel.id().asShortText();
    }

    @Override
    public boolean sendText(String json) {
        if (!channel.isActive() || !channel.isWritable()) {
            return false;
        }
        channel.writeAndFlush(new TextWebSocketFrame(json), channel.voidPromise());
        return true;
    }
}
