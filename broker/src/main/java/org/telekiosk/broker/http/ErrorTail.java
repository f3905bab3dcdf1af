package org.telekiosk.broker.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every pipeline: whatever reaches it is logged in one line with the channel id, and the
 * channel is closed. No stack trace leaves the process; expected network failures are not even warnings.
 */
@ChannelHandler.Sharable
final class ErrorTail extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorTail.class);

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String id = ctx.channel().id().asShortText();
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (cause instanceof io.netty.handler.timeout.ReadTimeoutException) {
            // An idle connection (no request within the read timeout): routine, not an error.
            LOG.debug("[{}] Closed an idle connection (read timeout)", id);
        } else if (cause instanceof io.netty.handler.codec.PrematureChannelClosureException) {
            LOG.debug("[{}] The peer closed the connection in the middle of a request", id);
        } else if (root instanceof SSLException || root instanceof IOException) {
            LOG.debug("[{}] Connection failed: {}", id, root.getMessage());
        } else if (cause instanceof DecoderException) {
            // A peer that breaks HTTP or WebSocket framing: its problem, answered by the codec, not ours.
            LOG.info("[{}] Closed after a protocol violation: {}", id, root.getMessage());
        } else {
            LOG.warn("[{}] Closing after an unexpected error: {}", id, root.toString());
            LOG.debug("[{}] Details", id, root);
        }
        ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // Nothing should arrive here; release it rather than leak.
        io.netty.util.ReferenceCountUtil.release(msg);
        LOG.debug("[{}] Unhandled message {}", ctx.channel().id().asShortText(), msg.getClass().getSimpleName());
    }
}
