package org.telekiosk.broker.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;

/**
 * Netty's RFC 6455 frame decoder, except for close frames: Netty 4.1 drops the TCP connection without a close frame
 * when a close frame carries an invalid status code or reason, where RFC 6455 §7.4.1 asks for a 1002 answer. Here
 * the close frame is passed on unchecked and {@link ViewerSocketHandler} validates it and answers properly.
 */
final class ViewerFrameDecoder extends WebSocket13FrameDecoder {
    ViewerFrameDecoder(WebSocketDecoderConfig config) {
        super(config);
    }

    @Override
    protected void checkCloseFrameBody(ChannelHandlerContext ctx, ByteBuf buffer) {
        // Checked by ViewerSocketHandler, which answers an invalid close frame with 1002.
    }
}
