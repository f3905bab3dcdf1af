package org.telekiosk.agent.sampling;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.telekiosk.agent.health.SensorHealthBoard;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.bloodpressure.BloodPressureMonitor;
import org.telekiosk.agent.sensor.bloodpressure.BloodPressureReading;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.Measurement;

/**
 * The blood-pressure monitor as the sampler uses it: {@link #check()} asks for its status (the protocol's handshake)
 * so that its health is known between measurements; {@link #measure()} takes a measurement on request and sends it as
 * four measurements, systolic (LOINC 8480-6), diastolic (8462-4) and mean (8478-0) in mm[Hg] and pulse (8867-4) in
 * /min, all stamped with the time the result was read. Both block on the serial line: call them from one thread.
 */
final class BloodPressureStation {
    private final SensorId id;
    private final BloodPressureMonitor monitor;
    private final ReadingOutlet outlet;
    private final SensorHealthBoard health;
    private final Timeline timeline;

    BloodPressureStation(SensorId id, BloodPressureMonitor monitor, ReadingOutlet outlet, SensorHealthBoard health,
            Timeline timeline) {
        this.id = Objects.requireNonNull(id, "id");
        this.monitor = Objects.requireNonNull(monitor, "monitor");
        this.outlet = Objects.requireNonNull(outlet, "outlet");
        this.health = Objects.requireNonNull(health, "health");
        this.timeline = Objects.requireNonNull(timeline, "timeline");
    }

    /** Asks the monitor for its status. Never throws. */
    void check() {
        try {
            monitor.status();
            health.ok(id);
        } catch (SensorException e) {
            health.failed(id, e);
        } catch (RuntimeException e) {
            health.failed(id, e);
        }
    }

    /**
     * Takes one measurement (30-60 s on a real monitor) and sends it.
     *
     * @return the four measurements sent (fewer only if sequence numbers could not be stored)
     * @throws SensorException as the driver reports it; the monitor's health is updated either way
     */
    List<Measurement> measure() throws SensorException, InterruptedException {
        BloodPressureReading reading;
        try {
            reading = monitor.measure();
        } catch (SensorException e) {
            health.failed(id, e);
            throw e;
        } catch (RuntimeException e) {
            health.failed(id, e);
            throw e;
        }
        health.ok(id);
        Instant takenAt = timeline.now();
        List<Measurement> sent = new ArrayList<>(4);
        outlet.measurement(id, LoincCode.SYSTOLIC_PRESSURE, reading.systolic(), UcumUnit.MM_HG, takenAt)
                .ifPresent(sent::add);
        outlet.measurement(id, LoincCode.DIASTOLIC_PRESSURE, reading.diastolic(), UcumUnit.MM_HG, takenAt)
                .ifPresent(sent::add);
        outlet.measurement(id, LoincCode.MEAN_PRESSURE, reading.mean(), UcumUnit.MM_HG, takenAt).ifPresent(sent::add);
        outlet.measurement(id, LoincCode.HEART_RATE, reading.pulse(), UcumUnit.PER_MINUTE, takenAt)
                .ifPresent(sent::add);
        return sent;
    }
}
