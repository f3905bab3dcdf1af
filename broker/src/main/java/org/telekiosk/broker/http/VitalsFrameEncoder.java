package org.telekiosk.broker.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;

/**
 * A vitals socket's frame encoder: Netty's for every frame that comes down the pipeline, and the short way out for
 * the frames its {@link NettyViewerSession} writes, one or more a reading (issue 16). Those are written from this
 * handler's own context, so they go straight to TLS below it instead of through every handler above, all of them
 * HTTP's (security headers, in-order responses, refusal pause) or Netty's WebSocket protocol handler, none of which
 * changes a data frame once the socket is open (docs/benchmarks.md, "The doctors' sockets' outbound path"). The frame
 * is the bytes Netty's encoder writes for a {@code TextWebSocketFrame} of the same payload (RFC 6455 §5.2: FIN, text
 * opcode, no mask from a server, the shortest length form), in one pooled buffer.
 *
 * <p>What the protocol handler above would still do for such a frame is kept here: once a close frame has gone down
 * (RFC 6455 §5.5.1: nothing follows it), the short way drops what it is given. Everything else about the socket
 * (pings, closes, the connection's own events) takes the pipeline as before. One per channel; on its event loop.
 */
final class VitalsFrameEncoder extends WebSocket13FrameEncoder {
    /** The name under which Netty's handshaker installs the frame encoder. */
    static final String NAME = "wsencoder";

    private ChannelHandlerContext context;
    private boolean closeSent;

    VitalsFrameEncoder() {
        super(false);
    }

    /** Puts one in the place of Netty's encoder, after the handshake; null (nothing changed) if there is none. */
    static VitalsFrameEncoder install(ChannelPipeline pipeline) {
        if (pipeline.get(NAME) == null) {
            return null;
        }
        VitalsFrameEncoder encoder = new VitalsFrameEncoder();
        pipeline.replace(NAME, NAME, encoder);
        return encoder;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    /** A close frame went down before this encoder was installed: the short way writes nothing from now on. */
    void closeSent() {
        closeSent = true;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, WebSocketFrame msg, List<Object> out) throws Exception {
        if (msg instanceof CloseWebSocketFrame) {
            closeSent = true;
        }
        super.encode(ctx, msg, out);
    }

    /**
     * On the event loop: writes {@code payload} (UTF-8 JSON; taken over, released here) as one text frame from this
     * handler's context, unflushed. False, with nothing written, once a close frame has gone down or this handler
     * has left the pipeline.
     */
    boolean writeText(ByteBuf payload) {
        ChannelHandlerContext ctx = context;
        if (closeSent || ctx == null || ctx.isRemoved()) {
            payload.release();
            return false;
        }
        int length = payload.readableBytes();
        ByteBuf frame;
        try {
            frame = ctx.alloc().buffer(headerLength(length) + length);
            writeHeader(frame, length);
            frame.writeBytes(payload, payload.readerIndex(), length);
        } finally {
            payload.release();
        }
        ctx.write(frame, ctx.voidPromise());
        return true;
    }

    /** On the event loop: flushes what {@link #writeText} wrote. */
    void flush() {
        ChannelHandlerContext ctx = context;
        if (ctx != null && !ctx.isRemoved()) {
            ctx.flush();
        }
    }

    /** RFC 6455 §5.2: 7 bits of length up to 125, then 16, then 64. */
    static int headerLength(int payloadLength) {
        return payloadLength <= 125 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
    }

    /** A final text frame's header, unmasked: FIN and opcode 1, then the length in its shortest form. */
    static void writeHeader(ByteBuf out, int payloadLength) {
        out.writeByte(0x81);
        if (payloadLength <= 125) {
            out.writeByte(payloadLength);
        } else if (payloadLength <= 0xFFFF) {
            out.writeByte(126);
            out.writeShort(payloadLength);
        } else {
            out.writeByte(127);
            out.writeLong(payloadLength);
        }
    }
}
