package org.telekiosk.broker.store;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * A kiosk's time-range reads on a filled store (issue 16, V14's spans against the time indexes before): K kiosks, each
 * a reading every S seconds of kiosk time for D days (a third measurements, the rest ECG batches of 50 samples),
 * stored round by round through the writer so that each kiosk's rows lie apart as in a fleet; then 1-hour and 1-day
 * ranges of random kiosks at random times, both kinds, timed (wall clock, median of the reads after a warm-up; the
 * JVM's CPU time a read, which on PostgreSQL leaves out the server's).
 *
 * <pre>
 * mvn -o -q -B -ntp -pl broker -am test -Dtest=TimeRangeReadBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtelekiosk.bench=true -Drangebench.kiosks=20 -Drangebench.step=5 -Drangebench.days=2 \
 *     -Drangebench.dialects=sqlite,postgresql
 * </pre>
 */
@EnabledIfSystemProperty(named = "telekiosk.bench", matches = "true")
class TimeRangeReadBenchmark {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    /** The same without Maven (class path as {@link StoreWriterBenchmark}'s {@code storebench.cpfile} writes it). */
    public static void main(String[] args) throws Exception {
        new TimeRangeReadBenchmark().oneHourAndOneDayOfAKiosk();
    }

    @Test
    void oneHourAndOneDayOfAKiosk() throws Exception {
        int kiosks = Integer.getInteger("rangebench.kiosks", 20);
        int step = Integer.getInteger("rangebench.step", 5);
        int days = Integer.getInteger("rangebench.days", 2);
        int reads = Integer.getInteger("rangebench.reads", 40);
        for (String dialect : System.getProperty("rangebench.dialects", "sqlite,postgresql").split(",")) {
            once(dialect, kiosks, step, days, reads);
        }
    }

    private static void once(String dialect, int kiosks, int step, int days, int reads) throws Exception {
        PostgresSchema schema = null;
        Path dir = null;
        StoreDatabase database;
        if (dialect.equals("postgresql")) {
            schema = new PostgresSchema("rangebench");
            schema.create("benchmark");
            database = schema.database();
        } else {
            dir = Files.createTempDirectory("rangebench");
            database = StoreDatabase.sqlite(dir.resolve("bench.db"));
        }
        List<KioskId> ids = new ArrayList<>();
        for (int k = 0; k < kiosks; k++) {
            ids.add(KioskId.of(String.format(Locale.ROOT, "range-%04d", k)));
        }
        long rounds = days * 86_400L / step;
        try (MeasurementStore store = MeasurementStore.open(database, Duration.ofDays(30), Clock.systemUTC())) {
            long t0 = System.nanoTime();
            List<CompletableFuture<AppendOutcome>> done = new ArrayList<>();
            for (long seq = 1; seq <= rounds; seq++) {
                Instant at = T0.plusSeconds(seq * step);
                for (KioskId kiosk : ids) {
                    done.add(seq % 3 == 0
                            ? store.append(new Measurement(kiosk, seq, SensorId.of("mlx90614"),
                                    LoincCode.BODY_TEMPERATURE, 36.5, UcumUnit.CELSIUS, at))
                            : store.append(new WaveformBatch(kiosk, seq, SensorId.of("ads1115"), Signal.ECG,
                                    UcumUnit.MILLIVOLT, 250, at, 0.001, samples(seq))));
                }
                if (done.size() >= 2000) {
                    done.forEach(CompletableFuture::join);
                    done.clear();
                }
            }
            done.forEach(CompletableFuture::join);
            System.out.printf(Locale.ROOT, "rangebench %s filled %,d readings in %.0f s%n", dialect,
                    rounds * kiosks, (System.nanoTime() - t0) / 1e9);
            java.util.Random random = new java.util.Random(42);
            for (Duration length : List.of(Duration.ofHours(1), Duration.ofDays(1))) {
                double[] ms = new double[reads];
                long rows = 0;
                var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                long cpu0 = 0;
                for (int i = -5; i < reads; i++) {
                    KioskId kiosk = ids.get(random.nextInt(ids.size()));
                    long span = days * 86_400L - length.toSeconds();
                    Instant from = T0.plusSeconds((long) (random.nextDouble() * span));
                    if (i == 0) {
                        cpu0 = os.getProcessCpuTime();
                    }
                    long t = System.nanoTime();
                    int n = store.measurements(kiosk, from, from.plus(length)).join().size()
                            + store.waveforms(kiosk, from, from.plus(length)).join().size();
                    if (i >= 0) {
                        ms[i] = (System.nanoTime() - t) / 1e6;
                        rows += n;
                    }
                }
                double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6 / reads;
                Arrays.sort(ms);
                System.out.printf(Locale.ROOT, "rangebench %s %s of a kiosk: median %.2f ms (p10 %.2f, p90 %.2f),"
                        + " JVM CPU %.2f ms a read, %.0f readings a read, load %.2f%n", dialect, length, ms[reads / 2],
                        ms[reads / 10], ms[reads * 9 / 10], cpuMs, (double) rows / reads,
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            }
        } finally {
            if (schema != null) {
                schema.drop();
            }
            if (dir != null) {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        Files.delete(f);
                    }
                }
                Files.delete(dir);
            }
        }
    }

    private static List<Integer> samples(long seq) {
        List<Integer> samples = new ArrayList<>(50);
        for (int i = 0; i < 50; i++) {
            samples.add((int) (1000 * Math.sin((seq + i) / 10.0)));
        }
        return samples;
    }
}
