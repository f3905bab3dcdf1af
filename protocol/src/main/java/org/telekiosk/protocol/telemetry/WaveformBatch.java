package org.telekiosk.protocol.telemetry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;

/**
 * Consecutive samples of one continuous signal (ECG, pleth), taken at a fixed rate. Sample {@code i} was taken at
 * {@code start + i / sampleRate} seconds and its value is {@code samples[i] × scale} in {@code unit}: whole numbers
 * keep CBOR small (most samples take 2 or 3 bytes instead of 9 for a float64).
 *
 * @param kiosk      the kiosk that took it; must equal the topic's kiosk
 * @param seq        the kiosk's sequence number, shared with {@link Measurement}s (one sequence per kiosk)
 * @param sensor     the sensor that took it
 * @param signal     which signal
 * @param unit       the UCUM unit of {@code sample × scale}
 * @param sampleRate samples per second, more than 0 and at most 10,000
 * @param start      when the first sample was taken
 * @param scale      the value of one step of a sample, finite and more than 0
 * @param samples    1 to 10,000 samples, each a 32-bit signed integer; held as {@code int}s, not boxed
 */
public record WaveformBatch(KioskId kiosk, long seq, SensorId sensor, Signal signal, UcumUnit unit, double sampleRate,
        Instant start, double scale, IntSamples samples) implements KioskMessage {

    /** The most samples one batch may carry. */
    public static final int MAX_SAMPLES = 10_000;

    public WaveformBatch {
        Objects.requireNonNull(kiosk, "kiosk");
        Objects.requireNonNull(sensor, "sensor");
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(samples, "samples");
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be at least 1, was " + seq);
        }
        if (!(sampleRate > 0 && sampleRate <= 10_000)) {
            throw new IllegalArgumentException("sampleRate must be more than 0 and at most 10000, was " + sampleRate);
        }
        if (!(Double.isFinite(scale) && scale > 0)) {
            throw new IllegalArgumentException("scale must be a finite number more than 0, was " + scale);
        }
        if (samples.isEmpty() || samples.size() > MAX_SAMPLES) {
            throw new IllegalArgumentException("samples must hold 1 to " + MAX_SAMPLES + " values, held "
                    + samples.size());
        }
    }

    /** With the samples copied from a list; a null sample throws {@link NullPointerException}. */
    public WaveformBatch(KioskId kiosk, long seq, SensorId sensor, Signal signal, UcumUnit unit, double sampleRate,
            Instant start, double scale, List<Integer> samples) {
        this(kiosk, seq, sensor, signal, unit, sampleRate, start, scale, IntSamples.copyOf(samples));
    }

    /** How long the batch lasts: the number of samples over the rate. */
    public Duration duration() {
        return Duration.ofNanos(Math.round(samples.size() * 1e9 / sampleRate));
    }
}
