package org.telekiosk.agent.outbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: how fast the outbox takes readings, and how long {@link Outbox#record} holds a sampler thread. Three
 * threads (as the sampler's spot, ECG and pleth threads) record ECG batches of 50 samples (a 200 ms batch at 250 Hz)
 * as fast as they can for the given time, with {@code outbox.sync} = FULL and then NORMAL, in a directory on the same
 * disk as the build ({@code target/}), after a warm-up of 20,000 readings. Prints readings per second (recorded and committed), and the percentiles of one
 * {@code record} call. Command and figures: docs/benchmarks.md.
 */
public final class OutboxAppendBenchmark {
    private OutboxAppendBenchmark() {}

    public static void main(String[] args) throws Exception {
        Duration run = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 10);
        // 0: as fast as possible; otherwise readings per second per thread (a kiosk makes about 10 in all).
        int perThread = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        for (SyncPolicy sync : SyncPolicy.values()) {
            measure(sync, run, perThread);
        }
    }

    private static void measure(SyncPolicy sync, Duration run, int perThread) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "outbox-benchmark-");
        OutboxSettings settings = new OutboxSettings(dir, 64L << 30, sync, 200, Duration.ofSeconds(5));
        int threads = 3;
        long[][] latencies = new long[threads][];
        AtomicLong recorded = new AtomicLong();
        try (Outbox outbox = Outbox.open(settings, Clock.systemUTC())) {
            // Warm-up, not measured: the first readings build Jackson's CBOR serializers and get the code compiled.
            for (int i = 0; i < 20_000; i++) {
                outbox.record(seq -> OutboxFixtures.ecg(seq, 50));
                while (outbox.committedSeq() < i - 10_000) {
                    Thread.onSpinWait();
                }
            }
            while (outbox.committedSeq() < 20_000) {
                Thread.onSpinWait();
            }
            long deadline = System.nanoTime() + run.toNanos();
            CountDownLatch done = new CountDownLatch(threads);
            for (int t = 0; t < threads; t++) {
                int index = t;
                Thread.ofPlatform().name("sampler-" + t).start(() -> {
                    long[] own = new long[4_000_000];
                    int n = 0;
                    long period = perThread == 0 ? 0 : 1_000_000_000L / perThread;
                    long next = System.nanoTime();
                    try {
                        while (System.nanoTime() < deadline && n < own.length) {
                            if (period > 0) {
                                next += period;
                                java.util.concurrent.locks.LockSupport.parkNanos(next - System.nanoTime());
                            }
                            long start = System.nanoTime();
                            outbox.record(seq -> OutboxFixtures.ecg(seq, 50));
                            own[n++] = System.nanoTime() - start;
                        }
                    } catch (Exception e) {
                        // the outbox would drop beyond MAX_QUEUED: counted below
                    }
                    latencies[index] = Arrays.copyOf(own, n);
                    recorded.addAndGet(n);
                    done.countDown();
                });
            }
            done.await();
            long start = System.nanoTime();
            while (outbox.committedSeq() < 20_000 + recorded.get()) {
                Thread.onSpinWait();
            }
            double catchUp = (System.nanoTime() - start) / 1e9;
            long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
            double seconds = run.toNanos() / 1e9;
            System.out.printf(Locale.ROOT, "sync=%s, %s: %,d readings in %.0f s: %,.0f recorded/s, %,.0f committed/s "
                            + "(writer caught up %.2f s after the end); dropped %d; record() p50 %.1f µs, p99 %.1f µs, "
                            + "p99.9 %.1f µs, max %.1f ms; file %,d bytes%n",
                    sync, perThread == 0 ? "unpaced" : perThread + "/s per thread", all.length, seconds, all.length / seconds, all.length / (seconds + catchUp), catchUp,
                    outbox.status().dropped(), percentile(all, 0.50) / 1e3, percentile(all, 0.99) / 1e3,
                    percentile(all, 0.999) / 1e3, all[all.length - 1] / 1e6, Files.size(dir.resolve(Outbox.FILE_NAME)));
        }
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))];
    }
}
