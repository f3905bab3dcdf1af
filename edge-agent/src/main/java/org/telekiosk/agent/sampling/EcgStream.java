package org.telekiosk.agent.sampling;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalDouble;
import org.telekiosk.agent.health.SensorHealthBoard;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.ecg.EcgMonitor;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.Signal;

/**
 * The ECG as a stream: {@link #pollOnce()}, called at the ADC's data rate on the ECG's own thread, takes one sample
 * from the {@link EcgMonitor}, adds it to the current waveform batch (in µV steps, {@link #SCALE_MILLIVOLTS} mV), and
 * every {@code heartRateInterval} sends the heart rate (LOINC 8867-4) of the monitor's window, when it has one.
 *
 * <p>A failure (electrode off, saturated front end, no answer) ends the batch and is reported to the health board;
 * while the ECG fails, polls are skipped until {@code retryInterval} has passed, so that an unplugged ADC is asked
 * once a second rather than 250 times. The first poll that succeeds (the monitor reconfigures the ADC by itself) makes
 * the sensor present again. Not thread-safe: one thread polls.
 */
final class EcgStream {
    /** One step of an ECG sample: 1 µV. */
    static final double SCALE_MILLIVOLTS = 0.001;

    private final SensorId id;
    private final EcgMonitor monitor;
    private final ReadingOutlet outlet;
    private final SensorHealthBoard health;
    private final Timeline timeline;
    private final WaveformAssembler batches;
    private final long heartRateNanos;
    private final long retryNanos;
    private long nextHeartRate;
    private boolean failing;
    private long nextAttempt;
    private boolean settling;

    EcgStream(SensorId id, EcgMonitor monitor, Duration batch, Duration heartRateInterval, Duration retryInterval,
            ReadingOutlet outlet, SensorHealthBoard health, Timeline timeline) {
        this.id = Objects.requireNonNull(id, "id");
        this.monitor = Objects.requireNonNull(monitor, "monitor");
        this.outlet = Objects.requireNonNull(outlet, "outlet");
        this.health = Objects.requireNonNull(health, "health");
        this.timeline = Objects.requireNonNull(timeline, "timeline");
        int rate = monitor.sampleRateHz();
        this.batches = new WaveformAssembler(id, Signal.ECG, UcumUnit.MILLIVOLT, rate, SCALE_MILLIVOLTS,
                (int) Math.max(1, batch.toMillis() * rate / 1000), outlet, timeline);
        this.heartRateNanos = heartRateInterval.toNanos();
        this.retryNanos = retryInterval.toNanos();
        this.nextHeartRate = timeline.nanoTime() + heartRateNanos;
    }

    /** The period at which to call {@link #pollOnce()}. */
    Duration period() {
        return Duration.ofNanos(Math.round(1e9 / monitor.sampleRateHz()));
    }

    /** Takes one sample (or retries a failing ECG when it is time). Never throws. */
    void pollOnce() {
        long now = timeline.nanoTime();
        if (failing && now - nextAttempt < 0) {
            return;
        }
        if (settling) {
            // The poll after a (re)configuration would race the ADC's first conversion, which ends one nominal
            // period after the Config write; the ADS1115's oscillator may run 10 % slow (datasheet §7.5, "data rate
            // variation"), so the register may still hold its reset value 0000h, a railed output. Skip it.
            settling = false;
            return;
        }
        try {
            OptionalDouble millivolts = monitor.poll();
            failing = false;
            health.ok(id);
            if (millivolts.isPresent()) {
                batches.add((int) Math.round(millivolts.getAsDouble() / SCALE_MILLIVOLTS), now);
            } else {
                settling = true;
            }
        } catch (SensorException e) {
            failed(now);
            health.failed(id, e);
            return;
        } catch (RuntimeException e) {
            failed(now);
            health.failed(id, e);
            return;
        }
        if (now - nextHeartRate >= 0) {
            nextHeartRate = now + heartRateNanos;
            OptionalDouble bpm = monitor.heartRate();
            if (bpm.isPresent()) {
                outlet.measurement(id, LoincCode.HEART_RATE, Math.round(bpm.getAsDouble() * 10) / 10.0,
                        UcumUnit.PER_MINUTE, timeline.at(now));
            }
        }
    }

    private void failed(long now) {
        batches.gap();
        failing = true;
        nextAttempt = now + retryNanos;
    }
}
