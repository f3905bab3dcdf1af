package org.telekiosk.broker.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;

/**
 * Before the WebSocket handshake: only RFC 6455 (version 13) is spoken. Netty would also complete the handshakes
 * of Hixie-75/76 (no version header) and of drafts 7 and 8; those are answered 426 Upgrade Required with
 * {@code Sec-WebSocket-Version: 13} (RFC 6455 §4.4) and the connection is closed.
 */
@ChannelHandler.Sharable
final class WebSocketVersionGuard extends ChannelInboundHandlerAdapter {
    static final String VERSION = "13";

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest request && request.uri().startsWith("/ws/")
                && request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && !VERSION.equals(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
            ReferenceCountUtil.release(msg);
            var response = Responses.problem(HttpResponseStatus.UPGRADE_REQUIRED,
                    "Only WebSocket version 13 (RFC 6455) is supported.");
            response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, VERSION);
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
