package org.telekiosk.broker.viewer;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.viewer.ViewerEvent;
import org.telekiosk.protocol.viewer.ViewerRequest;

/**
 * The connected viewers and what they are sent. Readings are encoded once and queued to every viewer; a viewer
 * that cannot keep up misses readings (counted) instead of holding memory for everyone. Thread-safe, never blocks.
 *
 * <p>Walking skeleton: every viewer sees every kiosk. Consultations (issue 3) and routing by session (issue 7) will
 * limit a doctor to the kiosk of their own consultation.
 */
public final class ViewerHub {
    /** The version of the viewer protocol, sent in {@link ViewerEvent.Welcome}. */
    public static final int PROTOCOL_VERSION = 1;

    private final WireCodec json;
    private final Set<ViewerSession> sessions = ConcurrentHashMap.newKeySet();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder skipped = new LongAdder();

    public ViewerHub(WireCodec json) {
        this.json = json;
    }

    /** Adds a viewer and greets it. */
    public void join(ViewerSession session) {
        session.sendText(json.encodeToString(new ViewerEvent.Welcome(PROTOCOL_VERSION, "telekiosk-broker")));
        sessions.add(session);
    }

    public void leave(ViewerSession session) {
        sessions.remove(session);
    }

    /** Sends a measurement to every viewer. */
    public void publish(Measurement measurement) {
        String text = json.encodeToString(new ViewerEvent.Reading(measurement));
        for (ViewerSession session : sessions) {
            if (session.sendText(text)) {
                delivered.increment();
            } else {
                skipped.increment();
            }
        }
    }

    /** Answers one request of a viewer. */
    public ViewerEvent handle(ViewerRequest request) {
        return switch (request) {
            case ViewerRequest.Ping ping -> new ViewerEvent.Pong(ping.nonce());
        };
    }

    public int viewerCount() {
        return sessions.size();
    }

    public long deliveredCount() {
        return delivered.sum();
    }

    /** Readings not sent to a viewer because it was too far behind. */
    public long skippedCount() {
        return skipped.sum();
    }
}
