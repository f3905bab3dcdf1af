package org.telekiosk.broker.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.SensorHealth;
import org.telekiosk.protocol.telemetry.SensorState;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * Opt-in benchmark, not a test of behaviour: the heap the viewer hub keeps per kiosk ({@link VitalsOrder}'s lines and
 * the latest readings for replays), as heap used after a full GC before and after {@code footprint.kiosks} kiosks each
 * sent a kiosk's usual messages, then after {@link ViewerHub#prune}. Prints the figures; docs/benchmarks.md ("Vitals
 * state per kiosk") has the command and the results.
 */
@EnabledIfSystemProperty(named = "footprint.kiosks", matches = "\\d+")
class VitalsStateFootprintTest {
    static final Instant T0 = Instant.parse("2026-12-05T08:00:00Z");

    @Test
    void heapPerKioskOfTheHubsStateAndAfterPruning() {
        int kiosks = Integer.getInteger("footprint.kiosks");
        AtomicLong now = new AtomicLong();
        List<Runnable> timers = new ArrayList<>();
        ViewerHub hub = new ViewerHub(WireCodec.json(WireCodec.DEFAULT_MAX_BYTES), now::get,
                (delay, task) -> timers.add(task));
        long before = usedAfterGc();
        for (int i = 0; i < kiosks; i++) {
            KioskId kiosk = KioskId.of("wmk-footprint-" + i);
            long seq = 1;
            for (KioskMessage m : messages(kiosk, seq)) {
                hub.publish(m);
            }
        }
        // Every line's first messages waited once; let them go, as the timer would.
        now.addAndGet(ViewerHub.ORDER_WAIT.toNanos());
        timers.forEach(Runnable::run);
        timers.clear();
        assertEquals(kiosks, hub.order().orElseThrow().kioskCount());
        assertEquals(kiosks, hub.keptKioskCount());
        long all = usedAfterGc();

        now.addAndGet(ViewerHub.ORDER_IDLE.toNanos());
        hub.prune(Duration.ofDays(1), k -> false);
        assertEquals(0, hub.order().orElseThrow().kioskCount());
        long latestOnly = usedAfterGc();

        hub.prune(Duration.ZERO, k -> false);
        assertEquals(0, hub.keptKioskCount());
        long none = usedAfterGc();

        System.out.printf("footprint: %d kiosks; heap after GC: before %d B, all state %d B, after the order's prune"
                + " %d B, after pruning everything %d B%n", kiosks, before, all, latestOnly, none);
        System.out.printf("footprint: per kiosk: all %.0f B, the order's lines %.0f B, the latest readings and status"
                + " %.0f B, left after pruning everything %.0f B%n", (all - before) / (double) kiosks,
                (all - latestOnly) / (double) kiosks, (latestOnly - none) / (double) kiosks,
                (none - before) / (double) kiosks);
    }

    /** A kiosk's usual minute: a status, five spot readings, ECG and pleth batches, numbered from {@code seq}. */
    static List<KioskMessage> messages(KioskId kiosk, long seq) {
        SensorId pulseOx = SensorId.of("max30102");
        SensorId bp = SensorId.of("bp-cuff");
        List<KioskMessage> m = new ArrayList<>();
        m.add(new KioskStatus(kiosk, T0, List.of(new SensorHealth(pulseOx, SensorState.PRESENT, "ok"),
                new SensorHealth(bp, SensorState.PRESENT, "ok")), 0, 0, "", 0));
        m.add(new Measurement(kiosk, seq++, pulseOx, LoincCode.HEART_RATE, 72, UcumUnit.PER_MINUTE, T0));
        m.add(new Measurement(kiosk, seq++, pulseOx, LoincCode.OXYGEN_SATURATION, 97, UcumUnit.PERCENT, T0));
        m.add(new Measurement(kiosk, seq++, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, 36.8,
                UcumUnit.CELSIUS, T0));
        m.add(new Measurement(kiosk, seq++, bp, LoincCode.SYSTOLIC_PRESSURE, 128, UcumUnit.MM_HG, T0));
        m.add(new Measurement(kiosk, seq++, bp, LoincCode.DIASTOLIC_PRESSURE, 84, UcumUnit.MM_HG, T0));
        List<Integer> ecg = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            ecg.add(i % 50);
        }
        m.add(new WaveformBatch(kiosk, seq++, SensorId.of("ads1115"), Signal.ECG, UcumUnit.MILLIVOLT, 250, T0, 0.001,
                ecg));
        m.add(new WaveformBatch(kiosk, seq++, pulseOx, Signal.PLETH, UcumUnit.ARBITRARY, 100, T0, 1,
                ecg.subList(0, 100)));
        return m;
    }

    static long usedAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
