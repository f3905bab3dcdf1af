package org.telekiosk.broker.viewer;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.WaveformBatch;
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
    /** The latest reading of each (kiosk, sensor, LOINC code) and status of each kiosk, encoded: for new viewers. */
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

    /**
     * Sends a kiosk's message to every viewer. The latest reading of each sensor and the latest status of each kiosk
     * are kept for viewers that join later; waveforms are only streamed.
     */
    public void publish(KioskMessage message) {
        String text = switch (message) {
            case Measurement m -> remember(m.kiosk().value() + "|" + m.sensor().value() + "|" + m.loinc().value(),
                    m.takenAt(), json.encodeToString(new ViewerEvent.Reading(m)));
            case KioskStatus s -> remember(s.kiosk().value() + "|status", s.sentAt(),
                    json.encodeToString(new ViewerEvent.Status(s)));
            case WaveformBatch w -> json.encodeToString(new ViewerEvent.Waveform(w));
            // Doctors follow commands through GET /api/v1/consultations/{id}/commands, not this socket.
            case org.telekiosk.protocol.telemetry.CommandUpdate u -> null;
        };
        if (text != null) {
            send(text);
        }
    }

    private String remember(String key, java.time.Instant at, String text) {
        latest.merge(key, new Latest(at, text), (old, fresh) -> fresh.takenAt().isBefore(old.takenAt()) ? old : fresh);
        return text;
    }

    private void send(String text) {
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
