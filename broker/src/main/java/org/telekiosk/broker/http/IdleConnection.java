package org.telekiosk.broker.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.ReadTimeoutHandler;

/**
 * Closes a connection that sends nothing for {@code seconds} — unless one of its requests is being answered
 * ({@link InOrderResponses#answering()}): a client waiting for a slow answer (an enrollment or a database write on a
 * busy node) is silent because it waits, not because it is idle, and closing it would lose the answer (the client
 * sees the connection close without a response). Checked again after each further {@code seconds}; once the answer
 * is written, the usual rule applies. Removed when a WebSocket is up (the sockets have heartbeats of their own).
 */
final class IdleConnection extends ReadTimeoutHandler {
    IdleConnection(int seconds) {
        super(seconds);
    }

    @Override
    protected void readTimedOut(ChannelHandlerContext ctx) throws Exception {
        InOrderResponses answers = ctx.pipeline().get(InOrderResponses.class);
        if (answers != null && answers.answering()) {
            return;
        }
        super.readTimedOut(ctx);
    }
}
