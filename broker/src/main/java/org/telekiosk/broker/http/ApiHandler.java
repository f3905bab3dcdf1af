package org.telekiosk.broker.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import org.telekiosk.broker.account.ClientAddress;
import org.telekiosk.broker.api.ApiRequest;
import org.telekiosk.broker.api.ApiResponse;
import org.telekiosk.broker.api.RestApi;

/**
 * Adapts {@code /api/…} requests to the {@link RestApi}: copies the request out of Netty, runs the API on the given
 * executor (it blocks: database, Argon2id), and writes the answer back on the channel. At most
 * {@code maxConcurrent} requests are in progress; more are answered 503 with {@code Retry-After} at once. While a
 * request is in progress the channel stops reading, so that answers leave in the order the requests came. Other
 * paths pass on to the next handler.
 */
@ChannelHandler.Sharable
public final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final RestApi api;
    private final ExecutorService executor;
    private final Semaphore inProgress;

    public ApiHandler(RestApi api, ExecutorService executor, int maxConcurrent) {
        super(false);
        this.api = api;
        this.executor = executor;
        this.inProgress = new Semaphore(maxConcurrent);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        if (!RestApi.owns(path)) {
            ctx.fireChannelRead(request);
            return;
        }
        try {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (request.decoderResult().isFailure()) {
                Responses.send(ctx, null, Responses.problem(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request"));
                return;
            }
            if (request.content().readableBytes() > RestApi.MAX_BODY_BYTES) {
                Responses.send(ctx, null, Responses.problem(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                        "the request body must be at most " + RestApi.MAX_BODY_BYTES + " bytes"));
                return;
            }
            ApiRequest copied = copy(ctx, request, path);
            if (!inProgress.tryAcquire()) {
                busy(ctx);
                return;
            }
            ctx.channel().config().setAutoRead(false);
            try {
                executor.execute(() -> {
                    ApiResponse response;
                    try {
                        response = api.handle(copied);
                    } finally {
                        inProgress.release();
                    }
                    write(ctx, response, keepAlive);
                });
            } catch (RejectedExecutionException e) {
                inProgress.release();
                ctx.channel().config().setAutoRead(true);
                busy(ctx);
            }
        } finally {
            request.release();
        }
    }

    private static ApiRequest copy(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
        byte[] body = new byte[request.content().readableBytes()];
        request.content().getBytes(request.content().readerIndex(), body);
        var h = request.headers();
        var remote = ctx.channel().remoteAddress();
        ClientAddress from = remote instanceof InetSocketAddress inet && inet.getAddress() != null
                ? ClientAddress.of(inet.getAddress()) : new ClientAddress("unknown");
        return new ApiRequest(request.method().name(), path, Optional.ofNullable(h.get(HttpHeaderNames.ORIGIN)),
                Optional.ofNullable(h.get(HttpHeaderNames.AUTHORIZATION)),
                Optional.ofNullable(h.get(HttpHeaderNames.COOKIE)),
                Optional.ofNullable(h.get(HttpHeaderNames.CONTENT_TYPE)), body, from,
                new QueryStringDecoder(request.uri()).parameters());
    }

    private static void busy(ChannelHandlerContext ctx) {
        FullHttpResponse response = Responses.problem(HttpResponseStatus.SERVICE_UNAVAILABLE,
                "the broker is busy; try again shortly");
        response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        Responses.send(ctx, null, response);
    }

    /** Writes from the executor's thread; Netty hands the write to the channel's event loop. */
    private static void write(ChannelHandlerContext ctx, ApiResponse answer, boolean keepAlive) {
        FullHttpResponse response = Responses.of(HttpResponseStatus.valueOf(answer.status()), answer.contentType(),
                Unpooled.wrappedBuffer(answer.body()));
        answer.headers().forEach((name, value) -> response.headers().set(name, value));
        // Malformed input ends the connection (the client may be out of step); any other answer keeps it.
        boolean keep = keepAlive && answer.status() != 400 && answer.status() != 413 && answer.status() < 500;
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
