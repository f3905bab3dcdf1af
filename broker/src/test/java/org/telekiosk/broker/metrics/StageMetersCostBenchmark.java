package org.telekiosk.broker.metrics;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What the stage meters cost a reading (docs/benchmarks.md, "Where the tail is held at 500 kiosks"): the CPU time of
 * this thread for what the node adds per reading (two {@link System#nanoTime} reads, the writer's and the hub's, and
 * three histogram increments: intake lag, queue wait, viewer delay, on the same buckets as the node's), against the
 * same loop without them, in rounds that alternate the two. Opt-in: {@code -Dtelekiosk.bench=true}; prints, asserts
 * nothing.
 */
@EnabledIfSystemProperty(named = "telekiosk.bench", matches = "true")
class StageMetersCostBenchmark {
    private static final int READINGS = 2_000_000;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void timesTheStageMetersPerReading() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Timer intake = BrokerMetrics.stage("bench.intake", "").register(registry);
        Timer queued = BrokerMetrics.stage("bench.queued", "").register(registry);
        Timer delay = BrokerMetrics.stage("bench.delay", "").register(registry);
        long sink = 0;
        double[] with = new double[7];
        double[] without = new double[7];
        for (int round = 0; round < 7; round++) {
            long start = THREADS.getCurrentThreadCpuTime();
            sink += loop(intake, queued, delay, true);
            with[round] = (THREADS.getCurrentThreadCpuTime() - start) / (double) READINGS;
            start = THREADS.getCurrentThreadCpuTime();
            sink += loop(intake, queued, delay, false);
            without[round] = (THREADS.getCurrentThreadCpuTime() - start) / (double) READINGS;
        }
        java.util.Arrays.sort(with);
        java.util.Arrays.sort(without);
        System.out.printf(Locale.ROOT, "stage meters: %.1f ns of CPU a reading with them, %.1f without (medians of 7"
                + " rounds of %d readings): %.1f ns added (sink %d)%n", with[3], without[3], READINGS,
                with[3] - without[3], sink);
        registry.close();
    }

    /** One round: per reading the values a reading gives (varied, in the buckets' range), recorded or only summed. */
    private static long loop(Timer intake, Timer queued, Timer delay, boolean record) {
        long sum = 0;
        long seed = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < READINGS; i++) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            long value = (seed >>> 40) * 16; // 0 .. ~268 ms
            if (record) {
                long handedIn = System.nanoTime();
                intake.record(value, TimeUnit.NANOSECONDS);
                queued.record(value >>> 3, TimeUnit.NANOSECONDS);
                delay.record(System.nanoTime() - handedIn + (value >>> 5), TimeUnit.NANOSECONDS);
            } else {
                sum += value + (value >>> 3) + (value >>> 5);
            }
        }
        return sum;
    }
}
