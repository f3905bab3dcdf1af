package org.telekiosk.broker.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import java.nio.charset.StandardCharsets;
import org.telekiosk.broker.viewer.ViewerFrame;
import org.telekiosk.protocol.codec.ViewerFrameJson;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.viewer.ViewerEvent;

/**
 * The vitals sockets' frames: each event's JSON written once, straight into a buffer of {@code alloc} (the
 * pooled allocator in the node), which every viewer's socket then sends as a retained duplicate
 * ({@link NettyViewerSession#send}): no string, no copy per viewer. The hub releases its reference when it has offered
 * the frame to every viewer; the buffer goes back to the pool when the last socket has written it. The frames sent per
 * reading (a waveform batch, a reading) are written by {@link ViewerFrameJson}, byte for byte the codec's JSON, and
 * copied into a buffer of their exact size; everything else by Jackson, through the codec.
 */
public final class BufferFrames implements ViewerFrame.Encoder {
    /** One writer per thread that encodes (the fan-out lanes), its array reused frame after frame. */
    private static final ThreadLocal<ViewerFrameJson> PER_READING = ThreadLocal.withInitial(ViewerFrameJson::new);

    private final WireCodec json;
    private final ByteBufAllocator alloc;

    public BufferFrames(WireCodec json, ByteBufAllocator alloc) {
        this.json = json;
        this.alloc = alloc;
    }

    @Override
    public ViewerFrame encode(ViewerEvent event) {
        if (event instanceof ViewerEvent.Waveform || event instanceof ViewerEvent.Reading) {
            // The frames sent per reading (on the fan-out lanes): written by hand, the same bytes as the codec's.
            ViewerFrameJson written = PER_READING.get();
            if (written.write(event)) {
                ByteBuf buffer = alloc.buffer(written.length());
                buffer.writeBytes(written.array(), 0, written.length());
                return new Frame(buffer);
            }
        }
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
