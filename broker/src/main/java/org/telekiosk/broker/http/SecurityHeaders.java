package org.telekiosk.broker.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Puts the security headers on every HTTP response that leaves the connection, including the ones Netty writes
 * itself (a refused WebSocket handshake's 400), where they are missing: HSTS (RFC 6797; a year, the broker is only
 * ever reached over HTTPS), no sniffing, no framing, no referrer, a same-origin content security policy.
 */
@ChannelHandler.Sharable
final class SecurityHeaders extends ChannelOutboundHandlerAdapter {
    static final String HSTS = "max-age=31536000";
    static final String CSP = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
            + "form-action 'self'";

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            apply(response.headers());
        }
        ctx.write(msg, promise);
    }

    static void apply(HttpHeaders h) {
        setIfAbsent(h, "Strict-Transport-Security", HSTS);
        setIfAbsent(h, "X-Content-Type-Options", "nosniff");
        setIfAbsent(h, "X-Frame-Options", "DENY");
        setIfAbsent(h, "Referrer-Policy", "no-referrer");
        setIfAbsent(h, "Content-Security-Policy", CSP);
    }

    private static void setIfAbsent(HttpHeaders h, String name, String value) {
        if (!h.contains(name)) {
            h.set(name, value);
        }
    }
}
