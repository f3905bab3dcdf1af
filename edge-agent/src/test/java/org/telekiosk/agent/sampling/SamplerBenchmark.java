package org.telekiosk.agent.sampling;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.telekiosk.agent.health.SensorHealthBoard;
import org.telekiosk.agent.sensor.simulation.SimulatedKiosk;
import org.telekiosk.agent.sensor.simulation.SimulatedPatient;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * Not a test: runs the agent's sampler with all five simulated sensors streaming (the ECG at 250 Hz) for a while and
 * prints the ECG's sampling jitter, the process's CPU share and its RSS. The uplink is left out: this measures the
 * sampling side. Command and figures: docs/benchmarks.md.
 *
 * <p>Jitter is measured where the ECG stream reads its monotonic clock, once per poll on the "telekiosk-ecg" thread:
 * each poll's lateness against the ideal schedule {@code t0 + i × 4 ms}, and each interval's deviation from 4 ms.
 */
public final class SamplerBenchmark {
    private static final long PERIOD_NANOS = 4_000_000;

    private SamplerBenchmark() {}

    public static void main(String[] args) throws Exception {
        Duration run = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 60);
        Path dataDir = Files.createTempDirectory("telekiosk-benchmark");
        long[] polls = new long[(int) (run.toSeconds() * 250 * 2)];
        AtomicLong pollCount = new AtomicLong();
        AtomicLong samples = new AtomicLong();
        AtomicLong messages = new AtomicLong();
        Timeline timeline = Timeline.start(Clock.systemUTC(), () -> {
            long now = System.nanoTime();
            if (Thread.currentThread().getName().equals("telekiosk-ecg")) {
                long i = pollCount.getAndIncrement();
                if (i < polls.length) {
                    polls[(int) i] = now;
                }
            }
            return now;
        });
        try (SimulatedKiosk kiosk = new SimulatedKiosk(SimulatedSensors.ALL, SimulatedPatient.DEFAULT, 1)) {
            kiosk.startClock();
            SensorHealthBoard health = new SensorHealthBoard(kiosk.kioskSensors().ids(), () -> { });
            ReadingOutlet outlet = new ReadingOutlet(KioskId.of("benchmark"), SequenceCounter.open(dataDir), m -> {
                messages.incrementAndGet();
                if (m instanceof WaveformBatch batch) {
                    samples.addAndGet(batch.samples().size());
                }
            });
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpuBefore = os.getProcessCpuTime();
            long wallBefore = System.nanoTime();
            try (Sampler sampler = new Sampler(kiosk.kioskSensors(), outlet, health, timeline)) {
                sampler.start();
                new CountDownLatch(1).await(run.toMillis(), TimeUnit.MILLISECONDS);
            }
            long cpu = os.getProcessCpuTime() - cpuBefore;
            long wall = System.nanoTime() - wallBefore;
            report(Arrays.copyOf(polls, (int) Math.min(pollCount.get(), polls.length)), cpu, wall,
                    os.getAvailableProcessors(), samples.get(), messages.get(), health);
        }
    }

    private static void report(long[] polls, long cpuNanos, long wallNanos, int cores, long samples, long messages,
            SensorHealthBoard health) throws IOException {
        // Skip the first second: JIT warm-up and the sensors' probes.
        int skip = Math.min(250, polls.length / 2);
        long[] lateness = new long[polls.length - skip];
        long[] deviation = new long[polls.length - skip - 1];
        long origin = polls[skip];
        for (int i = skip; i < polls.length; i++) {
            lateness[i - skip] = Math.abs(polls[i] - (origin + (long) (i - skip) * PERIOD_NANOS));
            if (i > skip) {
                deviation[i - skip - 1] = Math.abs(polls[i] - polls[i - 1] - PERIOD_NANOS);
            }
        }
        Arrays.sort(lateness);
        Arrays.sort(deviation);
        System.out.printf(Locale.ROOT, "ECG polls: %d in %.1f s (%.1f per second)%n", polls.length, wallNanos / 1e9,
                polls.length / (wallNanos / 1e9));
        System.out.printf(Locale.ROOT, "interval deviation from 4 ms: p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
                percentile(deviation, 0.50), percentile(deviation, 0.99), deviation[deviation.length - 1] / 1e6);
        System.out.printf(Locale.ROOT, "lateness against the ideal schedule: p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
                percentile(lateness, 0.50), percentile(lateness, 0.99), lateness[lateness.length - 1] / 1e6);
        System.out.printf(Locale.ROOT, "CPU: %.1f %% of one core (%.1f %% of %d cores)%n", 100.0 * cpuNanos / wallNanos,
                100.0 * cpuNanos / wallNanos / cores, cores);
        System.out.printf(Locale.ROOT, "RSS: %s%n", rss());
        System.out.printf(Locale.ROOT, "messages: %d, waveform samples: %d, health: %s%n", messages, samples,
                health.snapshot());
    }

    private static double percentile(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))] / 1e6;
    }

    private static String rss() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> l.substring(6).strip()).findFirst().orElse("unknown (no /proc/self/status)");
    }
}
