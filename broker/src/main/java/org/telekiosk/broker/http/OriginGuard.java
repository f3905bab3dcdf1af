package org.telekiosk.broker.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a WebSocket handshake whose {@code Origin} (RFC 6454, RFC 6455 §10.2) is not on the allow-list, with 403,
 * before the upgrade: a page from another site must never open a socket with the doctor's browser. A handshake
 * without an {@code Origin} is refused too: every browser sends one.
 */
@ChannelHandler.Sharable
final class OriginGuard extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(OriginGuard.class);

    private final String websocketPath;
    private final Set<String> allowed;

    OriginGuard(String websocketPath, List<String> allowedOrigins) {
        this.websocketPath = websocketPath;
        this.allowed = Set.copyOf(allowedOrigins);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest request
                && websocketPath.equals(new QueryStringDecoder(request.uri()).path())) {
            String origin = request.headers().get(HttpHeaderNames.ORIGIN);
            if (origin == null || !allowed.contains(origin)) {
                LOG.warn("[{}] WebSocket handshake refused: origin {} is not allowed", ctx.channel().id().asShortText(),
                        origin == null ? "(none)" : Responses.escape(origin.length() > 100 ? origin.substring(0, 100) : origin));
                request.release();
                Responses.send(ctx, null, Responses.problem(HttpResponseStatus.FORBIDDEN,
                        "this origin may not open " + websocketPath));
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }
}
