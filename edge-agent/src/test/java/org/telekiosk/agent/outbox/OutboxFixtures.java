package org.telekiosk.agent.outbox;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/** Readings and settings for the outbox's tests. */
final class OutboxFixtures {
    static final KioskId KIOSK = KioskId.of("wmk-lab-03");
    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    private OutboxFixtures() {
    }

    static OutboxSettings settings(Path dir) {
        return settings(dir, 64L << 20, 1_000_000);
    }

    static OutboxSettings settings(Path dir, long maxBytes, int drainRate) {
        return new OutboxSettings(dir, maxBytes, SyncPolicy.FULL, drainRate, Duration.ofMinutes(10));
    }

    static Measurement spot(long seq) {
        return new Measurement(KIOSK, seq, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, 36.6,
                UcumUnit.CELSIUS, T0.plusSeconds(seq));
    }

    /** An ECG batch of {@code samples} samples (about 3 bytes each in CBOR). */
    static WaveformBatch ecg(long seq, int samples) {
        List<Integer> values = IntStream.range(0, samples).map(i -> (i * 37) % 2000 - 1000).boxed().toList();
        return new WaveformBatch(KIOSK, seq, SensorId.of("ads1115"), Signal.ECG, UcumUnit.MILLIVOLT, 250,
                T0.plusSeconds(seq), 0.001, values);
    }
}
