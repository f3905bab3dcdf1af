package org.telekiosk.hardware.load;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The broker's CPU time and allocation per reading stored, over one measured window (issue 16): a figure that depends
 * on the machine's load far less than a throughput does, since it counts what the broker's JVM spent, not what it
 * got. {@link LoadBenchmark} runs the broker in this JVM, so this JVM's process CPU time (every thread, GC and JIT
 * included) is the broker's; the benchmark's own threads are idle during a window (they only read the generator's
 * output). Per thread group (the thread's name with its digits taken out: {@code hivemq-eventloop-child-#}) the CPU
 * time and the bytes allocated, read from the {@link com.sun.management.ThreadMXBean} at the window's start and end;
 * what the Java threads alive at both ends do not account for (GC and JIT threads, threads that ended) is one line.
 */
final class BrokerCpu {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** Groups below this share of the process CPU are summed into one line. */
    private static final double SHOWN_SHARE = 0.005;

    private final LongSupplier readings;
    private final LongSupplier commits;
    private Snapshot start;

    /**
     * @param readings the broker's count of readings stored since start
     * @param commits  the store's count of commits since start
     */
    BrokerCpu(LongSupplier readings, LongSupplier commits) {
        this.readings = readings;
        this.commits = commits;
    }

    private record Snapshot(java.time.Instant wall, long nanos, long processCpu, long readings, long commits,
            Map<Long, ThreadTimes> threads) {}

    /** One thread's group, CPU time and bytes allocated so far. */
    private record ThreadTimes(String group, long cpu, long allocated) {}

    /** The window begins. */
    void start() {
        start = snapshot();
    }

    /** The window ends: prints the CPU and allocation per reading stored in it, in all and per thread group. */
    void end(String mode) {
        if (start == null) {
            return;
        }
        Snapshot end = snapshot();
        long stored = end.readings - start.readings;
        double seconds = (end.nanos - start.nanos) / 1e9;
        long process = end.processCpu - start.processCpu;
        System.out.printf(Locale.ROOT, "[%s] broker CPU in the window (%s to %s, %.1f s): %.2f s of CPU (%.2f "
                + "cores), %d readings stored (%.0f/s): %.1f CPU-us per reading stored%n", mode, start.wall, end.wall,
                seconds, process / 1e9, process / 1e9 / seconds, stored, stored / seconds, perReading(process, stored));
        long commitsInWindow = end.commits - start.commits;
        System.out.printf(Locale.ROOT, "[%s] store commits in the window: %d, %.1f readings stored a commit%n", mode,
                commitsInWindow, commitsInWindow == 0 ? 0.0 : (double) stored / commitsInWindow);
        Map<String, long[]> groups = new HashMap<>();
        long threadsCpu = 0;
        for (var e : end.threads.entrySet()) {
            ThreadTimes before = start.threads.get(e.getKey());
            if (before == null) {
                continue;
            }
            long cpu = e.getValue().cpu() - before.cpu();
            long allocated = e.getValue().allocated() - before.allocated();
            long[] sum = groups.computeIfAbsent(e.getValue().group(), g -> new long[2]);
            sum[0] += cpu;
            sum[1] += allocated;
            threadsCpu += cpu;
        }
        long small = 0;
        long smallAllocated = 0;
        List<Map.Entry<String, long[]>> sorted = groups.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).toList();
        long allocatedAll = 0;
        for (var g : sorted) {
            allocatedAll += g.getValue()[1];
            if (g.getValue()[0] < SHOWN_SHARE * process) {
                small += g.getValue()[0];
                smallAllocated += g.getValue()[1];
                continue;
            }
            line(mode, g.getKey(), g.getValue()[0], g.getValue()[1], process, stored);
        }
        line(mode, "(other Java threads)", small, smallAllocated, process, stored);
        line(mode, "(GC, JIT, VM, ended threads)", process - threadsCpu, 0, process, stored);
        System.out.printf(Locale.ROOT, "[%s] broker allocation in the window: %.1f MB, %.0f bytes per reading stored%n",
                mode, allocatedAll / 1e6, stored > 0 ? allocatedAll / (double) stored : Double.NaN);
        System.out.printf(Locale.ROOT, "RESULT-CPU mode=%s seconds=%.1f cpuSeconds=%.3f stored=%d cpuMicrosPerReading="
                + "%.1f bytesPerReading=%.0f%n", mode, seconds, process / 1e9, stored, perReading(process, stored),
                stored > 0 ? allocatedAll / (double) stored : Double.NaN);
        start = null;
    }

    private static void line(String mode, String group, long cpu, long allocated, long process, long stored) {
        System.out.printf(Locale.ROOT, "[%s]   %-44s %5.1f %%  %7.1f us/reading  %8.0f B/reading%n", mode, group,
                process > 0 ? 100.0 * cpu / process : 0, perReading(cpu, stored),
                stored > 0 ? allocated / (double) stored : Double.NaN);
    }

    private static double perReading(long nanos, long stored) {
        return stored > 0 ? nanos / 1e3 / stored : Double.NaN;
    }

    private Snapshot snapshot() {
        long readingsNow = readings.getAsLong();
        long commitsNow = commits.getAsLong();
        Map<Long, ThreadTimes> threads = new HashMap<>();
        long[] ids = THREADS.getAllThreadIds();
        java.lang.management.ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        long[] cpu = THREADS.getThreadCpuTime(ids);
        long[] allocated = THREADS.getThreadAllocatedBytes(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && cpu[i] >= 0) {
                threads.put(ids[i], new ThreadTimes(infos[i].getThreadName().replaceAll("\\d+", "#"), cpu[i],
                        allocated[i]));
            }
        }
        return new Snapshot(java.time.Instant.now(), System.nanoTime(), OS.getProcessCpuTime(), readingsNow, commitsNow,
                threads);
    }
}
