package org.telekiosk.agent.sampling;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import org.telekiosk.agent.health.SensorHealthBoard;
import org.telekiosk.agent.sensor.ScalarSensor;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.protocol.telemetry.Measurement;

/**
 * One spot sensor (temperature, weight) as its schedule reads it: each {@link #readOnce()} takes a reading, sends it
 * as a measurement stamped on the {@link Timeline}, and tells the health board how the sensor did. A failed read is
 * also the re-probe of a sensor that is absent or faulty: the first read that succeeds makes it present again.
 */
final class SpotReader {
    private final ScalarSensor sensor;
    private final ReadingOutlet outlet;
    private final SensorHealthBoard health;
    private final Timeline timeline;

    SpotReader(ScalarSensor sensor, ReadingOutlet outlet, SensorHealthBoard health, Timeline timeline) {
        this.sensor = Objects.requireNonNull(sensor, "sensor");
        this.outlet = Objects.requireNonNull(outlet, "outlet");
        this.health = Objects.requireNonNull(health, "health");
        this.timeline = Objects.requireNonNull(timeline, "timeline");
    }

    /** Reads the sensor once. Never throws. */
    void readOnce() {
        double value;
        Instant takenAt;
        try {
            value = sensor.read();
            takenAt = timeline.now();
        } catch (SensorException e) {
            health.failed(sensor.id(), e);
            return;
        } catch (RuntimeException e) {
            health.failed(sensor.id(), e);
            return;
        }
        if (!Double.isFinite(value)) {
            health.failed(sensor.id(), new SensorException(SensorException.Kind.OUT_OF_RANGE,
                    String.format(Locale.ROOT, "non-finite value %s", value)));
            return;
        }
        health.ok(sensor.id());
        outlet.measurement(sensor.id(), sensor.loinc(), value, sensor.unit(), takenAt);
    }

    /**
     * Reads the sensor once, as {@link #readOnce()}, and returns the measurement sent, or throws why not (a journal
     * that could not take it is an {@link IllegalStateException}).
     */
    Measurement readNow() throws SensorException {
        double value;
        Instant takenAt;
        try {
            value = sensor.read();
            takenAt = timeline.now();
        } catch (SensorException e) {
            health.failed(sensor.id(), e);
            throw e;
        } catch (RuntimeException e) {
            health.failed(sensor.id(), e);
            throw e;
        }
        if (!Double.isFinite(value)) {
            SensorException e = new SensorException(SensorException.Kind.OUT_OF_RANGE,
                    String.format(Locale.ROOT, "non-finite value %s", value));
            health.failed(sensor.id(), e);
            throw e;
        }
        health.ok(sensor.id());
        return outlet.measurement(sensor.id(), sensor.loinc(), value, sensor.unit(), takenAt)
                .orElseThrow(() -> new IllegalStateException("the reading could not be recorded"));
    }

    ScalarSensor sensor() {
        return sensor;
    }
}
