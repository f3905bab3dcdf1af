package org.telekiosk.broker.store;

import java.time.Instant;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/** {@link StoreWriterBenchmark}'s waveform batches: a sine (the default) or the load generator's random samples. */
final class BenchmarkPayloads {
    private static final Instant T0 = Instant.parse("2026-12-06T08:00:00Z");

    private BenchmarkPayloads() { }

    /** A batch as the load generator makes it: uniformly random samples in [low, high). */
    static WaveformBatch random(KioskId kiosk, long seq, Signal signal, int n, int low, int high,
            double scale) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seq * 31 + kiosk.hashCode());
        int[] samples = new int[n];
        for (int i = 0; i < n; i++) {
            samples[i] = random.nextInt(low, high);
        }
        return new WaveformBatch(kiosk, seq, SensorId.of(signal == Signal.ECG ? "ads1115" : "max30102"), signal,
                signal == Signal.ECG ? UcumUnit.MILLIVOLT : UcumUnit.ARBITRARY, n, T0.plusSeconds(seq), scale,
                org.telekiosk.protocol.telemetry.IntSamples.of(samples));
    }

    static WaveformBatch wave(KioskId kiosk, long seq, Signal signal, int n) {
        int[] samples = new int[n];
        for (int i = 0; i < n; i++) {
            samples[i] = (int) (1000 * Math.sin(i / 10.0)) + (int) seq;
        }
        return new WaveformBatch(kiosk, seq, SensorId.of("ads1115"), signal, UcumUnit.MILLIVOLT, n,
                T0.plusSeconds(seq), 0.001, org.telekiosk.protocol.telemetry.IntSamples.of(samples));
    }
}
