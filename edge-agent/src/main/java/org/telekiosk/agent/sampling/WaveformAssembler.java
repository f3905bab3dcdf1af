package org.telekiosk.agent.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.IntSamples;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * Gathers the samples of one continuous signal into {@link WaveformBatch}es of a fixed number of samples. A batch's
 * start is the monotonic time of its first sample; the batch after it starts exactly where it ends ({@code start +
 * n / rate}), so that consecutive batches line up without the jitter of the polling thread, as long as the samples
 * keep coming at the rate. {@link #gap()} ends the batch early (a fault, a FIFO overflow): the next sample starts a
 * new one at its own time. A first sample more than {@link #MAX_DRIFT_NANOS} away from where the batch before ended
 * also starts afresh, so that a stalled poller cannot shift the waveform in time. Not thread-safe: one stream owns it.
 */
final class WaveformAssembler {
    /** How far the polling may fall behind the sample rate before batches are re-anchored to the clock. */
    static final long MAX_DRIFT_NANOS = 50_000_000;

    private final SensorId sensor;
    private final Signal signal;
    private final UcumUnit unit;
    private final double sampleRate;
    private final double scale;
    private final int batchSamples;
    private final ReadingOutlet outlet;
    private final Timeline timeline;
    private final List<Integer> samples = new ArrayList<>();
    private long startNanos;
    private boolean continuing;
    private long nextStartNanos;

    /**
     * @param scale        the value of one step of a sample, in {@code unit}
     * @param batchSamples samples per batch, 1..{@link WaveformBatch#MAX_SAMPLES}
     */
    WaveformAssembler(SensorId sensor, Signal signal, UcumUnit unit, double sampleRate, double scale, int batchSamples,
            ReadingOutlet outlet, Timeline timeline) {
        this.sensor = Objects.requireNonNull(sensor, "sensor");
        this.signal = Objects.requireNonNull(signal, "signal");
        this.unit = Objects.requireNonNull(unit, "unit");
        this.outlet = Objects.requireNonNull(outlet, "outlet");
        this.timeline = Objects.requireNonNull(timeline, "timeline");
        if (batchSamples < 1 || batchSamples > WaveformBatch.MAX_SAMPLES) {
            throw new IllegalArgumentException("batchSamples must be 1.." + WaveformBatch.MAX_SAMPLES + ", was "
                    + batchSamples);
        }
        this.sampleRate = sampleRate;
        this.scale = scale;
        this.batchSamples = batchSamples;
    }

    /** Adds one sample, in steps of the scale, taken at the monotonic time {@code nanos}. */
    void add(int sample, long nanos) {
        if (samples.isEmpty()) {
            boolean onTime = continuing && Math.abs(nanos - nextStartNanos) <= MAX_DRIFT_NANOS;
            startNanos = onTime ? nextStartNanos : nanos;
        }
        samples.add(sample);
        if (samples.size() == batchSamples) {
            flush();
            continuing = true;
        }
    }

    /** Adds consecutive samples whose last was taken at {@code lastNanos}; with {@code continues} false, after a gap. */
    void addAll(List<Integer> chunk, long lastNanos, boolean continues) {
        if (!continues) {
            gap();
        }
        long first = lastNanos - periodNanos(chunk.size() - 1);
        for (int i = 0; i < chunk.size(); i++) {
            add(chunk.get(i), first + periodNanos(i));
        }
    }

    /** The signal was interrupted: sends what is gathered, and the next sample starts a batch at its own time. */
    void gap() {
        flush();
        continuing = false;
    }

    private void flush() {
        if (samples.isEmpty()) {
            return;
        }
        outlet.waveform(sensor, signal, unit, sampleRate, timeline.at(startNanos), scale, IntSamples.copyOf(samples));
        nextStartNanos = startNanos + periodNanos(samples.size());
        samples.clear();
    }

    private long periodNanos(int count) {
        return Math.round(count * 1e9 / sampleRate);
    }
}
