package org.telekiosk.protocol.telemetry;

import java.time.Instant;
import java.util.Objects;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;

/**
 * One reading of one sensor at one kiosk.
 *
 * @param kiosk   the kiosk that took it; must equal the kiosk segment of the topic it is published on
 * @param seq     the kiosk's sequence number for this reading, strictly increasing per kiosk from 1; together with
 *                {@code kiosk} it identifies the reading, so a redelivered reading can be recognised
 * @param sensor  the sensor that took it
 * @param loinc   what was measured, as a LOINC code
 * @param value   the value, a finite number in {@code unit}
 * @param unit    the UCUM unit of {@code value}
 * @param takenAt when the sensor took it (UTC, ISO-8601 on the wire)
 */
public record Measurement(
        KioskId kiosk, long seq, SensorId sensor, LoincCode loinc, double value, UcumUnit unit, Instant takenAt)
        implements KioskMessage {

    public Measurement {
        Objects.requireNonNull(kiosk, "kiosk");
        Objects.requireNonNull(sensor, "sensor");
        Objects.requireNonNull(loinc, "loinc");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(takenAt, "takenAt");
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be at least 1, was " + seq);
        }
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("value must be a finite number, was " + value);
        }
    }
}
