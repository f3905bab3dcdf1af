package org.telekiosk.hardware.load;

import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.telekiosk.agent.uplink.Puback;
import org.telekiosk.agent.uplink.Uplink;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.IntSamples;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.SensorHealth;
import org.telekiosk.protocol.telemetry.SensorState;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * One {@link LoadGenerator} kiosk's traffic through its {@link Uplink}: at each {@link #tick} an ECG batch (250
 * samples, 1 s), a pleth batch (100 samples, 1 s) and a spot measurement in turn; a status every minute (not a
 * reading). A reading that its uplink refuses at once (a full in-flight window) is not numbered and counted apart.
 */
final class KioskTraffic {
    private static final SensorId THERMOMETER = SensorId.of("mlx90614");
    private static final SensorId ECG = SensorId.of("ads1115");
    private static final SensorId OXIMETER = SensorId.of("max30102");
    private final KioskId kiosk;
    private final Uplink uplink;
    private final ReadingCounters counters;
    private final SplittableRandom random;
    private long seq;
    private long ticks;
    private long nextStatus;

    KioskTraffic(KioskId kiosk, Uplink uplink, ReadingCounters counters) {
        this.kiosk = kiosk;
        this.uplink = uplink;
        this.counters = counters;
        this.random = new SplittableRandom(kiosk.hashCode());
    }

    Uplink uplink() {
        return uplink;
    }

    void tick() {
        Instant now = Instant.now();
        if (System.nanoTime() - nextStatus >= 0) {
            nextStatus = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            uplink.publish(new KioskStatus(kiosk, now, List.of(
                    new SensorHealth(ECG, SensorState.PRESENT, ""),
                    new SensorHealth(OXIMETER, SensorState.PRESENT, ""),
                    new SensorHealth(THERMOMETER, SensorState.PRESENT, "")), 0, 0, "", 0))
                    .thenRun(counters.statuses::increment);
        }
        long number = seq + 1;
        KioskMessage reading = switch ((int) (ticks++ % 3)) {
            case 0 -> {
                int[] ecg = new int[250];
                for (int i = 0; i < ecg.length; i++) {
                    ecg[i] = random.nextInt(-300, 1200); // whole-number steps of 0.0025 mV, as the ADS1115's
                }
                yield new WaveformBatch(kiosk, number, ECG, Signal.ECG, UcumUnit.MILLIVOLT, 250,
                        now.minusSeconds(1), 0.0025, IntSamples.of(ecg));
            }
            case 1 -> {
                int[] pleth = new int[100];
                for (int i = 0; i < pleth.length; i++) {
                    pleth[i] = random.nextInt(100_000, 200_000); // raw 18-bit counts, as the MAX30102's
                }
                yield new WaveformBatch(kiosk, number, OXIMETER, Signal.PLETH, UcumUnit.ARBITRARY, 100,
                        now.minusSeconds(1), 1, IntSamples.of(pleth));
            }
            default -> new Measurement(kiosk, number, THERMOMETER, LoincCode.BODY_TEMPERATURE,
                    36.5 + random.nextInt(50) * 0.02, UcumUnit.CELSIUS, now);
        };
        CompletableFuture<Puback> sent = uplink.publishReading(reading);
        if (sent.isCompletedExceptionally()) {
            counters.refusedByWindow.increment(); // not admitted: the number is used by the next reading
            ticks--;
            return;
        }
        seq = number;
        counters.published.increment();
        sent.whenComplete((what, e) -> {
            (e == null ? counters.pubacked : counters.failed).increment();
            if (what == Puback.STORED) {
                counters.storedByPuback.increment();
            }
        });
    }
}
