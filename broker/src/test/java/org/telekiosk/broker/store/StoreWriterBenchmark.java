package org.telekiosk.broker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.telekiosk.broker.store.BenchmarkProcess.load;
import static org.telekiosk.broker.store.BenchmarkProcess.median;
import static org.telekiosk.broker.store.BenchmarkProcess.threadId;
import static org.telekiosk.broker.store.BenchmarkProcess.threadIo;
import static org.telekiosk.broker.store.BenchmarkProcess.ticks;
import static org.telekiosk.broker.store.BenchmarkProcess.walPosition;
import static org.telekiosk.broker.store.BenchmarkProcess.writerThreadId;
import static org.telekiosk.broker.store.BenchmarkPayloads.random;
import static org.telekiosk.broker.store.BenchmarkPayloads.wave;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * The store writer's cost per reading in a fleet's shape (issue 16): N kiosks with one reading each per round, so a
 * batch of up to 500 holds about one reading per kiosk, and nothing per kiosk is amortised over several readings.
 * Readings go through {@link MeasurementStore}'s public append path; per kiosk they follow the agent's mix by number:
 * a spot measurement, an ECG batch of 250 samples, a pleth batch of 100 samples. Prints readings/s and the writer
 * thread's CPU per reading (ThreadMXBean) of the measured rounds, after warm-up rounds, on a fresh database per run;
 * on PostgreSQL also the server processes' CPU per reading (the store's connections' backends, from /proc).
 *
 * <pre>
 * mvn -o -q -B -ntp -pl broker -am test -Dtest=StoreWriterBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtelekiosk.bench=true -Dstorebench.kiosks=3000 -Dstorebench.rounds=20 -Dstorebench.warmup=5 \
 *     -Dstorebench.runs=3 -Dstorebench.dialects=sqlite,postgresql
 * </pre>
 *
 * {@code -Dstorebench.batch=B}: the kiosks' readings in groups of B, each waited for (batches of B, as at a rate the
 * node carries easily); {@code -Dstorebench.sqlite-params=k=v&k2=v2}: pragmas on the SQLite URL.
 *
 * <p>The broker's shape (issue 16, thirteenth session), each on its own: {@code -Dstorebench.order=shuffled} (each
 * round's kiosks in a new random order, as a node's arrivals interleave them, instead of name order, where a batch's
 * kiosks are neighbours in every index); {@code -Dstorebench.prefill=R} (R rounds written first, each at once,
 * not measured: a database as large as the broker's after minutes); {@code -Dstorebench.rate=N} (one producer
 * appending N readings/s, not waiting per group, with the group commit {@code -Dstorebench.commit-delay=PT0.005S}
 * deciding the batches as in the broker); {@code -Dstorebench.payload=generator} (the load generator's random
 * samples and scales); {@code -Dstorebench.lag=timer} (the broker's lag timer observing every reading);
 * {@code -Dstorebench.reads=N} (N progress reads a second beside the writer, as store acknowledgements make);
 * {@code -Dstorebench.sql="DROP INDEX ...;..."} (statements run after the migration: a schema experiment; the time
 * indexes dropped so were the thirteenth session's, made V14 in the fourteenth). On PostgreSQL it also prints how
 * much the server's WAL grew a reading in the measured rounds (the cluster's position, so other users' writes in the
 * window count too; key20).
 *
 * <p>The writer's tail (issue 16, sixteenth session): {@code -Dstorebench.continuous=true} (the paced schedule runs on
 * across rounds instead of waiting for each round's readings, so the writer's queue behaves as a node's);
 * {@code -Dstorebench.template=FILE} (the prefilled database made once, as FILE-kiosksxrounds-payload-order, and
 * copied for each run); {@code -Dstorebench.tail=true} ({@link WriterTailProbe}: the transactions' and queue waits'
 * percentiles, and what overlapped the slowest transactions: the writer's own checkpoint, the checkpointer's, GC
 * pauses, the thread's run-queue wait).
 *
 * {@link #main} runs the same without Maven (class path from {@code mvn dependency:build-classpath}). PostgreSQL: a
 * fresh schema per run on the test server ({@link PostgresSchema}).
 */
@EnabledIfSystemProperty(named = "telekiosk.bench", matches = "true")
class StoreWriterBenchmark {
    private static final Instant T0 = Instant.parse("2026-12-06T08:00:00Z");

    @Test
    void fleetShapedBatches() throws Exception {
        String classPath = System.getProperty("storebench.cpfile");
        if (classPath != null) { // for runs of main without Maven
            Files.writeString(Path.of(classPath), System.getProperty("surefire.test.class.path",
                    System.getProperty("java.class.path")));
        }
        run();
    }

    public static void main(String[] args) throws Exception {
        run();
    }

    static void run() throws Exception {
        int kiosks = Integer.getInteger("storebench.kiosks", 3000);
        int rounds = Integer.getInteger("storebench.rounds", 20);
        int warmup = Integer.getInteger("storebench.warmup", 5);
        int runs = Integer.getInteger("storebench.runs", 3);
        String label = System.getProperty("storebench.label", "");
        for (String dialect : System.getProperty("storebench.dialects", "sqlite,postgresql").split(",")) {
            double[] rates = new double[runs];
            double[] cpu = new double[runs];
            double[] server = new double[runs];
            double[] checkpoints = new double[runs];
            for (int r = 0; r < runs; r++) {
                double[] result = once(dialect, kiosks, rounds, warmup);
                rates[r] = result[0];
                cpu[r] = result[1];
                server[r] = result[2];
                checkpoints[r] = result[3];
                System.out.printf(Locale.ROOT, "storebench %s %s run %d: %,.0f readings/s, writer %.1f us/reading,"
                        + " checkpoint thread %.1f us/reading, server %.1f us/reading, load %.2f%n", label, dialect,
                        r + 1, result[0], result[1], result[3], result[2], load());
            }
            System.out.printf(Locale.ROOT, "storebench %s %s MEDIAN of %d: %,.0f readings/s, writer %.1f us/reading,"
                    + " checkpoint thread %.1f us/reading, server %.1f us/reading%n", label, dialect, runs,
                    median(rates), median(cpu), median(checkpoints), median(server));
        }
    }

    /** One run on a fresh database: {readings/s, writer CPU µs/reading} of the measured rounds. */
    private static double[] once(String dialect, int kiosks, int rounds, int warmup) throws Exception {
        PostgresSchema schema = null;
        Path dir = null;
        StoreDatabase database;
        if (dialect.equals("postgresql")) {
            schema = new PostgresSchema("bench");
            schema.create("benchmark");
            database = schema.database();
        } else {
            dir = Files.createTempDirectory("storebench");
            String params = System.getProperty("storebench.sqlite-params", "");
            database = params.isEmpty() ? StoreDatabase.sqlite(dir.resolve("bench.db"))
                    : StoreDatabase.of("jdbc:sqlite:" + dir.resolve("bench.db") + "?" + params, "", "");
        }
        List<KioskId> ids = new ArrayList<>();
        for (int k = 0; k < kiosks; k++) {
            ids.add(KioskId.of(String.format(Locale.ROOT, "bench-%05d", k)));
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Duration commitDelay = Duration.parse(System.getProperty("storebench.commit-delay", "PT0S"));
        int prefill = Integer.getInteger("storebench.prefill", 0);
        int rate = Integer.getInteger("storebench.rate", 0);
        String sql = System.getProperty("storebench.sql", "");
        if (!sql.isBlank()) { // a schema experiment, e.g. an index dropped: what a migration would gain
            database.migrate();
            try (var c = database.connect(); var statement = c.createStatement()) {
                for (String one : sql.split(";")) {
                    statement.execute(one);
                }
            }
        }
        boolean prefilled = prefill > 0 && dir != null && prefillFromTemplate(database, dir.resolve("bench.db"), ids,
                prefill, commitDelay);
        WriterTailProbe tail = null;
        try (MeasurementStore store = MeasurementStore.open(database, Duration.ofMinutes(10), commitDelay,
                Clock.systemUTC());
                ProgressReaders readers = new ProgressReaders(store, ids, Integer.getInteger("storebench.reads", 0))) {
            if (System.getProperty("storebench.lag", "").equals("timer")) {
                observeLagAsTheBroker(store);
            }
            if (Boolean.getBoolean("storebench.tail") && dir != null) {
                tail = new WriterTailProbe(dir.resolve("bench.db"));
                store.observeStages(tail);
                store.observeCheckpoints(tail::checkpointed);
            }
            long writer = writerThreadId();
            long checkpoint = threadId("store-checkpoint");
            for (int round = 1; round <= prefill && !prefilled; round++) {
                group(store, order(ids, round), round);
            }
            for (int round = prefill + 1; round <= prefill + warmup; round++) {
                round(store, ids, round, rate);
            }
            settle();
            if (tail != null) {
                tail.measuring = true;
            }
            long commits0 = store.counters().commits();
            long[] io0 = threadIo("store-writer");
            List<Integer> backends = schema != null ? schema.backendPids() : List.of();
            long server0 = ticks(backends);
            long wal0 = schema != null ? walPosition(database) : 0;
            long cpu0 = mx.getThreadCpuTime(writer);
            long checkpoint0 = checkpoint < 0 ? 0 : mx.getThreadCpuTime(checkpoint);
            long t0 = System.nanoTime();
            for (int round = prefill + warmup + 1; round <= prefill + warmup + rounds; round++) {
                round(store, ids, round, rate);
            }
            settle();
            long elapsed = System.nanoTime() - t0;
            if (tail != null) {
                tail.measuring = false;
                tail.report(label(), t0);
            }
            long commits = store.counters().commits() - commits0;
            long[] io = threadIo("store-writer");
            long cpu = mx.getThreadCpuTime(writer) - cpu0;
            long checkpointCpu = checkpoint < 0 ? 0 : mx.getThreadCpuTime(checkpoint) - checkpoint0;
            long server = ticks(backends) - server0;
            long readings = (long) kiosks * rounds;
            assertEquals(prefill + warmup + rounds, store.count(ids.get(kiosks - 1)).join());
            if (dir != null) {
                // A WAL frame is a 24-byte header and a page, each written by a call of its own (wal.c).
                System.out.printf(Locale.ROOT, "storebench database %.1f MB, WAL %.1f MB, %.1f readings a commit;"
                        + " the writer thread wrote %.1f kB in %.1f calls and read %.1f kB in %.1f calls a reading%n",
                        Files.size(dir.resolve("bench.db")) / 1e6, Files.size(dir.resolve("bench.db-wal")) / 1e6,
                        (double) readings / commits, (io[1] - io0[1]) / 1e3 / readings,
                        (double) (io[3] - io0[3]) / readings, (io[0] - io0[0]) / 1e3 / readings,
                        (double) (io[2] - io0[2]) / readings);
            } else {
                // The server's WAL position: the whole cluster's, so other users' writes in the window count too.
                System.out.printf(Locale.ROOT, "storebench %.1f readings a commit; the server's WAL grew %.1f kB a"
                        + " reading%n", (double) readings / commits, (walPosition(database) - wal0) / 1e3 / readings);
            }
            // Clock ticks of 10 ms: the server's CPU per reading is coarse, good to a few µs over 60,000 readings.
            return new double[] {readings * 1e9 / elapsed, cpu / 1e3 / readings, server * 1e4 / readings,
                    checkpointCpu / 1e3 / readings};
        } finally {
            if (tail != null) {
                tail.close();
            }
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

    /**
     * Every kiosk's next reading, appended at once (the writer batches them, up to 500 a batch); waits for all. With
     * {@code -Dstorebench.batch=B} the kiosks go B at a time, each group waited for before the next: batches of B
     * readings, as a node below its capacity writes them (the writer takes what has queued when it is free).
     */
    private static void round(MeasurementStore store, List<KioskId> ids, long seq, int rate) {
        List<KioskId> ordered = order(ids, seq);
        if (rate > 0) {
            paced(store, ordered, seq, rate);
            return;
        }
        int batch = Integer.getInteger("storebench.batch", ids.size());
        for (int from = 0; from < ordered.size(); from += batch) {
            group(store, ordered.subList(from, Math.min(ordered.size(), from + batch)), seq);
        }
    }

    /**
     * {@code -Dstorebench.template=FILE}: the prefilled database copied from FILE instead of written again in every run
     * (made there by the first run that finds none); true if the store is prefilled so.
     */
    private static boolean prefillFromTemplate(StoreDatabase database, Path file, List<KioskId> ids, int prefill,
            Duration commitDelay) throws Exception {
        String template = System.getProperty("storebench.template", "");
        if (template.isEmpty()) {
            return false;
        }
        Path saved = Path.of(template + "-" + ids.size() + "x" + prefill + "-"
                + System.getProperty("storebench.payload", "plain") + "-" + System.getProperty("storebench.order", "seq"));
        if (!Files.exists(saved)) {
            try (MeasurementStore store = MeasurementStore.open(database, Duration.ofMinutes(10), commitDelay,
                    Clock.systemUTC())) {
                for (int round = 1; round <= prefill; round++) {
                    group(store, order(ids, round), round);
                }
            }
            Files.copy(file, saved);
        }
        Files.copy(saved, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    private static String label() {
        return System.getProperty("storebench.label", "");
    }

    /** {@code -Dstorebench.continuous=true}: the paced readings' schedule runs on across rounds (no wait a round). */
    private static final boolean CONTINUOUS = Boolean.getBoolean("storebench.continuous");
    private static long nextAt;
    private static final List<CompletableFuture<AppendOutcome>> PENDING = new ArrayList<>();

    /** Waits for every reading appended on the continuous schedule; the schedule starts again from now. */
    private static void settle() {
        for (CompletableFuture<AppendOutcome> f : PENDING) {
            if (f.join() != AppendOutcome.STORED) {
                throw new AssertionError("not stored: " + f.join());
            }
        }
        PENDING.clear();
        nextAt = 0;
    }

    /** The kiosks in name order, or ({@code storebench.order=shuffled}) in a random order of this round's. */
    private static List<KioskId> order(List<KioskId> ids, long seq) {
        if (!System.getProperty("storebench.order", "sequential").equals("shuffled")) {
            return ids;
        }
        List<KioskId> shuffled = new ArrayList<>(ids);
        java.util.Collections.shuffle(shuffled, new java.util.Random(seq));
        return shuffled;
    }

    /** The round's readings appended at {@code rate} a second, one after the other, without waiting; then waited for. */
    private static void paced(MeasurementStore store, List<KioskId> ids, long seq, int rate) {
        long interval = 1_000_000_000L / rate;
        if (CONTINUOUS) {
            if (nextAt == 0) {
                nextAt = System.nanoTime();
            }
            for (KioskId kiosk : ids) {
                long wait = nextAt - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                nextAt += interval;
                PENDING.add(append(store, kiosk, seq));
            }
            return;
        }
        long next = System.nanoTime();
        List<CompletableFuture<AppendOutcome>> done = new ArrayList<>(ids.size());
        for (KioskId kiosk : ids) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            next += interval;
            done.add(append(store, kiosk, seq));
        }
        for (CompletableFuture<AppendOutcome> f : done) {
            if (f.join() != AppendOutcome.STORED) {
                throw new AssertionError("not stored: " + f.join());
            }
        }
    }

    private static CompletableFuture<AppendOutcome> append(MeasurementStore store, KioskId kiosk, long seq) {
        boolean generator = System.getProperty("storebench.payload", "").equals("generator");
        return switch ((int) (seq % 3)) {
            case 0 -> store.append(new Measurement(kiosk, seq, SensorId.of("mlx90614"),
                    LoincCode.BODY_TEMPERATURE, 36.5 + seq / 100.0, UcumUnit.CELSIUS, T0.plusSeconds(seq)));
            case 1 -> store.append(generator ? random(kiosk, seq, Signal.ECG, 250, -300, 1200, 0.0025)
                    : wave(kiosk, seq, Signal.ECG, 250));
            default -> store.append(generator ? random(kiosk, seq, Signal.PLETH, 100, 100_000, 200_000, 1)
                    : wave(kiosk, seq, Signal.PLETH, 100));
        };
    }

    /** The lag observer as BrokerMetrics registers it: a Micrometer timer with service-level buckets. */
    private static void observeLagAsTheBroker(MeasurementStore store) {
        var registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        var lag = io.micrometer.core.instrument.Timer.builder("telekiosk.store.lag").serviceLevelObjectives(
                java.util.stream.Stream.of(50L, 100L, 250L, 500L, 1_000L, 2_500L, 5_000L, 10_000L, 30_000L, 60_000L,
                        300_000L, 1_800_000L, 3_600_000L, 21_600_000L).map(Duration::ofMillis)
                        .toArray(Duration[]::new)).register(registry);
        var skewed = io.micrometer.core.instrument.Counter.builder("telekiosk.store.lag.skewed").register(registry);
        store.observeLag(d -> {
            if (d.isNegative()) {
                skewed.increment();
            } else {
                lag.record(d);
            }
        });
    }

    private static void group(MeasurementStore store, List<KioskId> ids, long seq) {
        List<CompletableFuture<AppendOutcome>> done = new ArrayList<>(ids.size());
        for (KioskId kiosk : ids) {
            done.add(append(store, kiosk, seq));
        }
        for (CompletableFuture<AppendOutcome> f : done) {
            if (f.join() != AppendOutcome.STORED) {
                throw new AssertionError("not stored: " + f.join());
            }
        }
    }
}
