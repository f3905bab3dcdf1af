package org.telekiosk.broker.viewer;

/** One connected browser, as the hub sees it: an id for logs and a way to send it a JSON text message. */
public interface ViewerSession {
    /** A short id for logs (the channel id), never personal data. */
    String id();

    /**
     * Queues one JSON text message for this viewer without blocking. Returns false if the viewer is too far behind
     * (its unsent bytes passed the limit) and the message was not queued.
     */
    boolean sendText(String json);

    /**
     * Queues a frame encoded once for all its viewers, without blocking; a session that keeps it takes a reference of
     * its own (the caller releases the caller's). Returns false as {@link #sendText} does. By default as text.
     */
    default boolean send(ViewerFrame frame) {
        return sendText(frame.text());
    }
}
