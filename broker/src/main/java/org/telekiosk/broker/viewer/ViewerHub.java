package org.telekiosk.broker.viewer;

import java.util.Map;
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
    /** The latest reading of each (kiosk, sensor, LOINC code), already encoded: a new viewer sees it at once. */
    private final Map<String, Latest> latest = new ConcurrentHashMap<>();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder skipped = new LongAdder();

    public ViewerHub(WireCodec json) {
        this.json = json;
    }

    /**
     * Adds a viewer, greets it and sends it the latest reading of every sensor, so that a doctor who opens the page
     * sees the current values at once instead of after the next sampling interval.
     */
    public void join(ViewerSession session) {
        session.sendText(json.encodeToString(new ViewerEvent.Welcome(PROTOCOL_VERSION, "telekiosk-broker")));
        sessions.add(session);
        latest.values().stream()
                .sorted(java.util.Comparator.comparing(Latest::takenAt))
                .forEach(reading -> session.sendText(reading.json()));
    }

    public void leave(ViewerSession session) {
        sessions.remove(session);
    }

    /** Sends a measurement to every viewer. */
    public void publish(Measurement measurement) {
        String text = json.encodeToString(new ViewerEvent.Reading(measurement));
        latest.merge(measurement.kiosk().value() + "|" + measurement.sensor().value() + "|" + measurement.loinc().value(),
                new Latest(measurement.takenAt(), text),
                (old, fresh) -> fresh.takenAt().isBefore(old.takenAt()) ? old : fresh);
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

    /** One encoded reading and when it was taken; a redelivered older reading never replaces a newer one. */
    private record Latest(java.time.Instant takenAt, String json) {}

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
