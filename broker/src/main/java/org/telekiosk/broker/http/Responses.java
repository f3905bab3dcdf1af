package org.telekiosk.broker.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Building and sending HTTP responses: security headers on every one, problem details (RFC 9457) for errors. */
final class Responses {
    private Responses() {}

    static FullHttpResponse of(HttpResponseStatus status, String contentType, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        HttpHeaders h = response.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
                + "base-uri 'none'; form-action 'self'");
        h.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return response;
    }

    static FullHttpResponse json(HttpResponseStatus status, String json) {
        return of(status, "application/json; charset=utf-8",
                Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
    }

    /** An RFC 9457 problem body; {@code detail} must not contain secrets or stack traces. */
    static FullHttpResponse problem(HttpResponseStatus status, String detail) {
        String body = "{\"type\":\"about:blank\",\"title\":\"" + escape(status.reasonPhrase()) + "\",\"status\":"
                + status.code() + ",\"detail\":\"" + escape(detail) + "\"}";
        return of(status, "application/problem+json", Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    }

    /** An RFC 9457 problem body with its own title; neither may contain secrets. */
    static FullHttpResponse problem(HttpResponseStatus status, String title, String detail) {
        String body = "{\"type\":\"about:blank\",\"title\":\"" + escape(title) + "\",\"status\":"
                + status.code() + ",\"detail\":\"" + escape(detail) + "\"}";
        return of(status, "application/problem+json", Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    }

    /** Sends the response, keeping the connection open only if the request asked for it and all went well. */
    static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        send(ctx, request != null && HttpUtil.isKeepAlive(request) && response.status().code() < 400, response);
    }

    /** Sends the response, keeping the connection open if {@code keepAlive}, closing it after the write otherwise. */
    static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
