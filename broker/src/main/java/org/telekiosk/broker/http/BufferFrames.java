package org.telekiosk.broker.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import java.nio.charset.StandardCharsets;
import org.telekiosk.broker.viewer.ViewerFrame;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.viewer.ViewerEvent;

/**
 * The vitals sockets' frames: each event's JSON written once, by Jackson, straight into a buffer of {@code alloc} (the
 * pooled allocator in the node), which every viewer's socket then sends as a retained duplicate
 * ({@link NettyViewerSession#send}): no string, no copy per viewer. The hub releases its reference when it has offered
 * the frame to every viewer; the buffer goes back to the pool when the last socket has written it.
 */
public final class BufferFrames implements ViewerFrame.Encoder {
    private final WireCodec json;
    private final ByteBufAllocator alloc;

    public BufferFrames(WireCodec json, ByteBufAllocator alloc) {
        this.json = json;
        this.alloc = alloc;
    }

    @Override
    public ViewerFrame encode(ViewerEvent event) {
        // A waveform batch's JSON is about 1-3 kB (its samples), anything else a few hundred bytes.
        ByteBuf buffer = alloc.buffer(event instanceof ViewerEvent.Waveform ? 4096 : 512);
        try {
            json.encode(event, new ByteBufOutputStream(buffer));
        } catch (RuntimeException e) {
            buffer.release();
            throw e;
        }
        return new Frame(buffer);
    }

    /** A frame in a network buffer; its {@link #content} is the maker's reference. */
    record Frame(ByteBuf content) implements ViewerFrame {
        @Override
        public String text() {
            return content.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void release() {
            content.release();
        }
    }
}
