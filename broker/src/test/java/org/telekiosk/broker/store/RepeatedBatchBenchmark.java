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
import java.util.concurrent.atomic.AtomicReference;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.Measurement;

/**
 * The store writer's worst case for repeats within one write batch (issue 16, seventeenth session): a kiosk's 250 new
 * readings, newest first, and the same 250 again (a kiosk re-sending its unacknowledged outbox after a reconnect
 * while the first sends still queue), all in one batch of {@link StoreWriter#MAX_BATCH}. Each of the 500 readings is
 * a candidate repeat for {@link ReadingClaim}, and each of the second 250 a duplicate the writer looks up in the batch:
 * before this session a search back per reading, 62,500-94,000 comparisons in each. The batches are formed on the
 * writer's thread through its pause seam, as in {@code StoreWriterGroupCommitTest}, so each is exactly 500. Prints the
 * writer thread's CPU a batch (median of the rounds after warm-up). No Maven: run {@link #main} on the test class
 * path (StoreWriterBenchmark's {@code -Dstorebench.cpfile}), with an older build's classes first for "before".
 *
 * <pre>
 * java -cp "broker/target/test-classes:broker/target/classes:$(cat /tmp/store23/cp)" \
 *     -Drepeatbench.rounds=300 -Drepeatbench.warmup=100 org.telekiosk.broker.store.RepeatedBatchBenchmark
 * </pre>
 */
final class RepeatedBatchBenchmark {
    private static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");
    private static final KioskId KIOSK = KioskId.of("repeat-bench");
    private static final int HALF = StoreWriter.MAX_BATCH / 2;

    private RepeatedBatchBenchmark() { }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("repeatbench.rounds", 300);
        int warmup = Integer.getInteger("repeatbench.warmup", 100);
        String label = System.getProperty("repeatbench.label", "");
        Path dir = Files.createTempDirectory("repeatbench");
        StoreDatabase database = StoreDatabase.sqlite(dir.resolve("r.db"));
        database.migrate();
        AtomicReference<Runnable> duringPause = new AtomicReference<>();
        StoreWriter writer = new StoreWriter(database, Clock.systemUTC(), Duration.ofHours(6), Duration.ofMillis(5),
                new StoreCounters(0), nanos -> {
                    Runnable arrivals = duringPause.getAndSet(null);
                    if (arrivals != null) {
                        arrivals.run();
                    }
                });
        var mx = ManagementFactory.getThreadMXBean();
        long thread = BenchmarkProcess.writerThreadId();
        double[] cpu = new double[rounds];
        try {
            for (int round = 0; round < warmup + rounds; round++) {
                List<Measurement> batch = new ArrayList<>();
                for (int pass = 0; pass < 2; pass++) {
                    for (long seq = (long) (round + 1) * HALF; seq > (long) round * HALF; seq--) {
                        batch.add(new Measurement(KIOSK, seq, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE,
                                36.5, UcumUnit.CELSIUS, T0.plusSeconds(seq)));
                    }
                }
                List<CompletableFuture<AppendOutcome>> done = new java.util.concurrent.CopyOnWriteArrayList<>();
                duringPause.set(() -> {
                    for (Measurement m : batch.subList(1, batch.size())) {
                        done.add(writer.append(new StoreItem.Spot(m)));
                    }
                });
                long before = mx.getThreadCpuTime(thread);
                CompletableFuture<AppendOutcome> first = writer.append(new StoreItem.Spot(batch.getFirst()));
                if (first.join() != AppendOutcome.STORED) {
                    throw new AssertionError("not stored: " + first.join());
                }
                long stored = done.stream().map(CompletableFuture::join).filter(o -> o == AppendOutcome.STORED)
                        .count();
                long spent = mx.getThreadCpuTime(thread) - before;
                if (stored != HALF - 1 || done.size() != batch.size() - 1) {
                    throw new AssertionError("round " + round + ": " + stored + " stored of " + done.size());
                }
                if (round >= warmup) {
                    cpu[round - warmup] = spent / 1e3;
                }
            }
        } finally {
            writer.close();
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
        double[] sorted = cpu.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "repeatbench %s: writer CPU a batch of %d (%d new, each twice, newest first):"
                + " median %.0f us, p10 %.0f, p90 %.0f (%d rounds after %d; load %.2f)%n", label, 2 * HALF, HALF,
                BenchmarkProcess.median(cpu), sorted[rounds / 10], sorted[rounds * 9 / 10], rounds, warmup,
                BenchmarkProcess.load());
    }
}
