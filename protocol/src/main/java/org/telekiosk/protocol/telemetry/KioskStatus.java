package org.telekiosk.protocol.telemetry;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How a kiosk is doing: sent on its {@code status} topic at start, whenever a sensor changes state, and at least
 * once a minute.
 *
 * @param kiosk   the kiosk; must equal the topic's kiosk
 * @param sentAt  when the kiosk sent it
 * @param sensors every configured sensor, each once
 * @param queued  readings the kiosk holds that the broker has not acknowledged yet
 * @param dropped readings the kiosk dropped since it started because its storage was full (reported as lost)
 */
public record KioskStatus(org.telekiosk.protocol.KioskId kiosk, Instant sentAt, List<SensorHealth> sensors,
        long queued, long dropped) implements KioskMessage {
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
        if (queued < 0 || dropped < 0) {
            throw new IllegalArgumentException("queued and dropped must not be negative");
        }
        sensors = List.copyOf(sensors);
    }
}
