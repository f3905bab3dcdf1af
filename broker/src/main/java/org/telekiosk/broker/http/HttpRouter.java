package org.telekiosk.broker.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.function.Supplier;

/**
 * Plain HTTP requests (everything that is not the WebSocket upgrade): the web pages, {@code /healthz} (liveness),
 * {@code /readyz} (readiness) and the CRL ({@value #CRL}). Only GET
 * and HEAD exist so far; anything else is 405, an unknown path 404, a malformed request 400, each with a problem
 * body.
 */
@ChannelHandler.Sharable
final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** The current CRL of the kiosk CA, DER ({@code application/pkix-crl}), as MQTT clients and kiosks fetch it. */
    static final String CRL = "/pki/crl";
    private final StaticContent content;
    private final HealthCheck health;
    private final Supplier<byte[]> crl;

    HttpRouter(StaticContent content, HealthCheck health, Supplier<byte[]> crl) {
        this.content = content;
        this.health = health;
        this.crl = crl;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Responses.send(ctx, null, Responses.problem(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request"));
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        boolean head = HttpMethod.HEAD.equals(request.method());
        if (!head && !HttpMethod.GET.equals(request.method())) {
            FullHttpResponse response = Responses.problem(HttpResponseStatus.METHOD_NOT_ALLOWED,
                    request.method() + " is not supported here");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            Responses.send(ctx, request, response);
            return;
        }
        FullHttpResponse response;
        if (path.equals("/healthz")) {
            HealthCheck.Report report = health.report();
            response = Responses.json(report.healthy() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                    report.json());
        } else if (path.equals("/readyz")) {
            HealthCheck.Report report = health.readiness();
            response = Responses.json(report.healthy() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                    report.json());
            response.headers().set(io.netty.handler.codec.http.HttpHeaderNames.CACHE_CONTROL, "no-store");
        } else if (path.equals(CRL)) {
            response = Responses.of(HttpResponseStatus.OK, "application/pkix-crl", Unpooled.wrappedBuffer(crl.get()));
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "max-age=60");
        } else {
            response = content.find(path)
                    .map(page -> Responses.of(HttpResponseStatus.OK, page.contentType(), page.body()))
                    .orElseGet(() -> Responses.problem(HttpResponseStatus.NOT_FOUND, "no such page"));
        }
        if (head) {
            FullHttpResponse headersOnly = response.replace(io.netty.buffer.Unpooled.EMPTY_BUFFER);
            response.release();
            response = headersOnly;
        }
        Responses.send(ctx, request, response);
    }
}
