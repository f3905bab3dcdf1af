package org.telekiosk.protocol.telemetry;

import java.util.Objects;
import org.telekiosk.protocol.SensorId;

/**
 * The state of one sensor of a kiosk.
 *
 * @param sensor the sensor
 * @param state  present, absent or faulty
 * @param detail why it is absent or faulty, in words a technician understands (at most 200 characters, no control
 *               characters); empty when present
 */
public record SensorHealth(SensorId sensor, SensorState state, String detail) {
    public SensorHealth {
        Objects.requireNonNull(sensor, "sensor");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(detail, "detail");
        if (detail.length() > 200 || detail.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("detail must be at most 200 characters without control characters");
        }
    }
}
