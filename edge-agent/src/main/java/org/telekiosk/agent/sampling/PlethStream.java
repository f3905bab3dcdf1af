package org.telekiosk.agent.sampling;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.telekiosk.agent.health.SensorHealthBoard;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.max30102.OximetryResult;
import org.telekiosk.agent.sensor.max30102.PlethBatch;
import org.telekiosk.agent.sensor.max30102.PpgSample;
import org.telekiosk.agent.sensor.max30102.PulseOximeter;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.Signal;

/**
 * The pulse oximeter as a stream: {@link #pollOnce()}, called every poll interval on the oximeter's own thread,
 * empties the MAX30102's FIFO into the current pleth batch (infrared counts, {@code [arb'U]}; the last sample of a
 * FIFO read is taken as sampled at the poll) and every {@code resultInterval} sends SpO2 (LOINC 59408-5, %) and pulse
 * rate (8867-4, /min) when the oximeter has a trustworthy reading. No finger means no reading, not a faulty sensor.
 * A failure ends the batch; the oximeter re-initialises the chip on the next poll by itself, which is also the
 * re-probe. Not thread-safe: one thread polls.
 */
final class PlethStream {
    private final SensorId id;
    private final PulseOximeter oximeter;
    private final ReadingOutlet outlet;
    private final SensorHealthBoard health;
    private final Timeline timeline;
    private final WaveformAssembler batches;
    private final long resultNanos;
    private long nextResult;

    /** @param sampleRate the oximeter's FIFO output rate, samples per second */
    PlethStream(SensorId id, PulseOximeter oximeter, double sampleRate, Duration batch, Duration resultInterval,
            ReadingOutlet outlet, SensorHealthBoard health, Timeline timeline) {
        this.id = Objects.requireNonNull(id, "id");
        this.oximeter = Objects.requireNonNull(oximeter, "oximeter");
        this.outlet = Objects.requireNonNull(outlet, "outlet");
        this.health = Objects.requireNonNull(health, "health");
        this.timeline = Objects.requireNonNull(timeline, "timeline");
        this.batches = new WaveformAssembler(id, Signal.PLETH, UcumUnit.ARBITRARY, sampleRate, 1.0,
                (int) Math.max(1, Math.round(batch.toMillis() * sampleRate / 1000)), outlet, timeline);
        this.resultNanos = resultInterval.toNanos();
        this.nextResult = timeline.nanoTime() + resultNanos;
    }

    /** Empties the FIFO once. Never throws. */
    void pollOnce() {
        long now = timeline.nanoTime();
        PlethBatch read;
        try {
            read = oximeter.poll();
        } catch (SensorException e) {
            batches.gap();
            health.failed(id, e);
            return;
        } catch (RuntimeException e) {
            batches.gap();
            health.failed(id, e);
            return;
        }
        health.ok(id);
        if (!read.samples().isEmpty()) {
            List<Integer> ir = read.samples().stream().map(PpgSample::ir).toList();
            batches.addAll(ir, now, read.continuesPrevious());
        }
        if (now - nextResult >= 0) {
            nextResult = now + resultNanos;
            if (oximeter.result() instanceof OximetryResult.Reading reading) {
                outlet.measurement(id, LoincCode.OXYGEN_SATURATION, Math.round(reading.spo2Percent() * 10) / 10.0,
                        UcumUnit.PERCENT, timeline.at(now));
                outlet.measurement(id, LoincCode.HEART_RATE, Math.round(reading.pulseRateBpm() * 10) / 10.0,
                        UcumUnit.PER_MINUTE, timeline.at(now));
            }
        }
    }
}
