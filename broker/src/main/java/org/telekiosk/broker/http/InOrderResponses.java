package org.telekiosk.broker.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Answers pipelined requests in the order they came (RFC 9112 §9.3.2): one TLS record can carry several requests,
 * which the HTTP decoder hands on at once, even while the channel has stopped reading. This handler passes one request
 * on at a time and holds the others until the answer to the one before has been written (its last content). At most
 * {@code https.max-pipelined-requests} requests are held; a client that pipelines more is disconnected. Not sharable: one per channel,
 * right after the aggregator. Messages that are not whole requests (WebSocket frames after an upgrade) pass through.
 */
final class InOrderResponses extends ChannelDuplexHandler {
    private final int maxHeld;

    private final ArrayDeque<FullHttpRequest> held = new ArrayDeque<>();
    private boolean answering;

    /** @param maxHeld how many pipelined requests one connection may have waiting */
    InOrderResponses(int maxHeld) {
        this.maxHeld = maxHeld;
    }

    /** Whether a request of this connection is being answered (its answer not yet written). On the event loop. */
    boolean answering() {
        return answering;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!answering) {
            answering = true;
            ctx.fireChannelRead(request);
            return;
        }
        if (held.size() >= maxHeld) {
            request.release();
            ctx.close();
            return;
        }
        held.add(request);
        ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean answerComplete = msg instanceof LastHttpContent
                && !(msg instanceof HttpResponse response && response.status().code() < 200);
        ctx.write(msg, promise);
        if (answerComplete) {
            ctx.executor().execute(() -> next(ctx));
        }
    }

    private void next(ChannelHandlerContext ctx) {
        FullHttpRequest request = held.poll();
        if (request == null) {
            answering = false;
            return;
        }
        if (!ctx.channel().isActive()) {
            request.release();
            next(ctx);
            return;
        }
        ctx.fireChannelRead(request);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        held.forEach(ReferenceCountUtil::release);
        held.clear();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        held.forEach(ReferenceCountUtil::release);
        held.clear();
        ctx.fireChannelInactive();
    }
}
