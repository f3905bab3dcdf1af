package org.telekiosk.protocol.telemetry;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.downlink.StoreAck;

/**
 * How a kiosk is doing: sent on its {@code status} topic at start, whenever a sensor changes state, and at least
 * once a minute.
 *
 * @param kiosk   the kiosk; must equal the topic's kiosk
 * @param sentAt  when the kiosk sent it
 * @param sensors every configured sensor, each once
 * @param queued      readings the kiosk holds that the broker has not acknowledged yet
 * @param dropped     readings the kiosk dropped over the lifetime of its outbox (the count survives restarts): storage
 *                    full, or a write to it failed (reported as lost)
 * @param outboxFault empty, or what was wrong with the kiosk's outbox file at its last start and what was recovered,
 *                    for a technician (at most 200 characters, no control characters)
 * @param heldFrom    the lowest sequence number the kiosk may still send: the lowest reading in its outbox, or, if
 *                    it holds none, one above the highest it numbered; 0 if not known. Every reading below it that the
 *                    broker has not stored is lost for good (the kiosk dropped it or never wrote it), so the broker's
 *                    {@link StoreAck} may pass over such gaps. Never decreases.
 */
public record KioskStatus(KioskId kiosk, Instant sentAt, List<SensorHealth> sensors,
        long queued, long dropped, String outboxFault, long heldFrom) implements KioskMessage {
    /** The most sensors one status may list. */
    public static final int MAX_SENSORS = 32;

    public KioskStatus {
        Objects.requireNonNull(kiosk, "kiosk");
        Objects.requireNonNull(sentAt, "sentAt");
        Objects.requireNonNull(sensors, "sensors");
        if (sensors.size() > MAX_SENSORS) {
            throw new IllegalArgumentException("at most " + MAX_SENSORS + " sensors, listed " + sensors.size());
        }
        Set<String> seen = new HashSet<>();
        for (SensorHealth health : sensors) {
            if (!seen.add(Objects.requireNonNull(health, "sensors entry").sensor().value())) {
                throw new IllegalArgumentException("sensor '" + health.sensor() + "' is listed twice");
            }
        }
        if (queued < 0 || dropped < 0 || heldFrom < 0) {
            throw new IllegalArgumentException("queued, dropped and heldFrom must not be negative");
        }
        Objects.requireNonNull(outboxFault, "outboxFault");
        if (outboxFault.length() > 200 || outboxFault.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("outboxFault must be at most 200 characters without control characters");
        }
        sensors = List.copyOf(sensors);
    }

    /** A status that does not say from where the kiosk holds its readings ({@code heldFrom} 0). */
    public KioskStatus(KioskId kiosk, Instant sentAt, List<SensorHealth> sensors, long queued,
            long dropped, String outboxFault) {
        this(kiosk, sentAt, sensors, queued, dropped, outboxFault, 0);
    }

    /** A status of a kiosk whose outbox had nothing wrong at start. */
    public KioskStatus(KioskId kiosk, Instant sentAt, List<SensorHealth> sensors, long queued,
            long dropped) {
        this(kiosk, sentAt, sensors, queued, dropped, "", 0);
    }
}
