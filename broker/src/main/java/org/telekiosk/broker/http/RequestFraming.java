package org.telekiosk.broker.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;

/**
 * Right after the HTTP codec: a request with both {@code Content-Length} and {@code Transfer-Encoding}
 * ({@link StrictHttpServerCodec.ConflictingFraming}) is answered 400 and the connection closed (RFC 9112 §6.3);
 * nothing of it, or after it, goes further. One per connection.
 */
final class RequestFraming extends ChannelInboundHandlerAdapter {
    private boolean refused;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request
                && request.decoderResult().cause() instanceof StrictHttpServerCodec.ConflictingFraming) {
            refused = true;
            ReferenceCountUtil.release(msg);
            var response = Responses.problem(HttpResponseStatus.BAD_REQUEST,
                    "A request must not carry both Content-Length and Transfer-Encoding (RFC 9112 section 6.3).");
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
