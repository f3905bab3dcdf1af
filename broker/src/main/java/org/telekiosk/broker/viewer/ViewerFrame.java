package org.telekiosk.broker.viewer;

import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.viewer.ViewerEvent;

/**
 * One viewer event encoded once for every viewer it goes to. The hub makes it with an {@link Encoder}, offers it to
 * each viewer ({@link ViewerSession#send}; a session that queues it takes a reference of its own), then
 * {@link #release releases} its own reference. The transport's frames share one pooled network buffer among all their
 * viewers ({@code http.BufferFrames}); {@link #text} frames are plain strings.
 */
public interface ViewerFrame {
    /** The event as JSON text, for a session that takes text. */
    String text();

    /** Gives up the maker's reference. Once only, after the frame was offered to every viewer. */
    void release();

    /** Makes frames. Thread-safe. */
    @FunctionalInterface
    interface Encoder {
        ViewerFrame encode(ViewerEvent event);
    }

    /** Frames as strings, without buffers: a hub without a network transport (tests, tools). */
    static Encoder text(WireCodec json) {
        return event -> new Text(json.encodeToString(event));
    }

    /** A frame that is only its text; nothing to release. */
    record Text(String text) implements ViewerFrame {
        @Override
        public void release() {
        }
    }
}
