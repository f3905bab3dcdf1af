package org.telekiosk.broker.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A whole request (headers and body) must arrive within {@code https.request-deadline} of its first byte; otherwise 408 Request
 * Timeout and close. Against slow requests (one byte every ten seconds keeps a read timeout from ever firing and holds
 * a connection for as long as the sender likes). One object per connection with two handlers: {@link #bytes()} before
 * the HTTP codec starts the clock at a request's first byte, {@link #requests()} after aggregation stops it at the
 * complete request; on a WebSocket upgrade both leave the pipeline (frames are limited elsewhere).
 */
final class RequestDeadline {
    /** A request is at most 16 KiB: 20 s is 6.5 kbit/s, far below the slowest kiosk link (256 kbit/s). */
    static final String BYTES = "deadline-start";
    static final String REQUESTS = "deadline-stop";

    private final long limitNanos;
    private final String limitText;
    private ScheduledFuture<?> pending;

    RequestDeadline(Duration limit) {
        this.limitNanos = limit.toNanos();
        this.limitText = limit.toMillis() % 1000 == 0 ? limit.toSeconds() + " seconds" : limit.toMillis() + " ms";
    }

    ChannelInboundHandlerAdapter bytes() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (pending == null && msg instanceof ByteBuf buf && buf.isReadable()) {
                    pending = ctx.executor().schedule(() -> expire(ctx), limitNanos, TimeUnit.NANOSECONDS);
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                cancel();
                ctx.fireChannelInactive();
            }
        };
    }

    ChannelInboundHandlerAdapter requests() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                cancel();
                if (msg instanceof FullHttpRequest request
                        && request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
                    ctx.pipeline().remove(BYTES);
                    ctx.pipeline().remove(this);
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    private void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        pending = null;
        var response = Responses.problem(HttpResponseStatus.REQUEST_TIMEOUT,
                "The request did not arrive within " + limitText + ".");
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.channel().writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
