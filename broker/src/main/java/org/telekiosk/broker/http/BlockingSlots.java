package org.telekiosk.broker.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * The concurrency cap for blocking HTTP work (the REST API, kiosk enrollment included): at most {@code maxConcurrent} answers are
 * being worked out at once on the executor, and more are refused at once (the caller answers 503 with
 * {@code Retry-After}). While an answer is pending the channel stops reading; it reads again once the answer is
 * written and the connection stays open.
 */
final class BlockingSlots {
    private final Executor executor;
    private final Semaphore inProgress;

    BlockingSlots(Executor executor, int maxConcurrent) {
        this.executor = executor;
        this.inProgress = new Semaphore(maxConcurrent);
    }

    /**
     * Works out {@code work} on the executor and writes its answer; false (nothing run, nothing written) when every
     * slot is taken. The connection stays open after the answer if {@code keepAlive} and {@code keeps} accepts its
     * status code.
     */
    boolean answer(ChannelHandlerContext ctx, Supplier<FullHttpResponse> work, boolean keepAlive, IntPredicate keeps) {
        if (!inProgress.tryAcquire()) {
            return false;
        }
        ctx.channel().config().setAutoRead(false);
        try {
            executor.execute(() -> {
                FullHttpResponse response;
                try {
                    response = work.get();
                } finally {
                    inProgress.release();
                }
                write(ctx, response, keepAlive && keeps.test(response.status().code()));
            });
            return true;
        } catch (RejectedExecutionException e) {
            inProgress.release();
            ctx.channel().config().setAutoRead(true);
            return false;
        }
    }

    /**
     * The answer when {@link #answer} found no free slot; the connection stays open if {@code keepAlive} (the request
     * was read whole: a new connection would cost the client and the broker a TLS handshake).
     */
    static void busy(ChannelHandlerContext ctx, boolean keepAlive) {
        FullHttpResponse response = Responses.problem(HttpResponseStatus.SERVICE_UNAVAILABLE,
                "the broker is busy; try again shortly");
        response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        Responses.send(ctx, keepAlive, response);
    }

    /** Writes from the executor's thread; Netty hands the write to the channel's event loop. */
    private static void write(ChannelHandlerContext ctx, FullHttpResponse response, boolean keep) {
        response.headers().set(HttpHeaderNames.CONNECTION, keep ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) future -> {
            if (!keep || !future.isSuccess()) {
                future.channel().close();
            } else {
                future.channel().config().setAutoRead(true);
                future.channel().read();
            }
        });
    }
}
