package org.telekiosk.hardware.load;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The generator's own CPU per thread group over a window (the thread's name with its digits taken out, as
 * {@link BrokerCpu} groups the broker's): which of its event loops ({@code load-kiosks-#-#},
 * {@code viewer-sockets-#-#}) or other threads the CPU per reading went to, so that a change of one loop's transport is seen where it acts.
 */
final class ThreadGroupCpu {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final Map<Long, String> names = new HashMap<>();
    private final Map<Long, Long> cpu = new HashMap<>();

    private ThreadGroupCpu() {}

    /** Every live thread's CPU time now. */
    static ThreadGroupCpu now() {
        ThreadGroupCpu snapshot = new ThreadGroupCpu();
        long[] ids = THREADS.getAllThreadIds();
        java.lang.management.ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        long[] times = THREADS.getThreadCpuTime(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && times[i] >= 0) {
                snapshot.names.put(ids[i], infos[i].getThreadName().replaceAll("\\d+", "#"));
                snapshot.cpu.put(ids[i], times[i]);
            }
        }
        return snapshot;
    }

    /** Prints, per group with at least 1 % of the threads' CPU since {@code before}, its CPU-us per reading. */
    void print(String mode, ThreadGroupCpu before, long readings) {
        Map<String, Long> groups = new HashMap<>();
        long all = 0;
        for (var e : cpu.entrySet()) {
            Long then = before.cpu.get(e.getKey());
            if (then != null) {
                long spent = e.getValue() - then;
                groups.merge(names.get(e.getKey()), spent, Long::sum);
                all += spent;
            }
        }
        long total = all;
        StringBuilder line = new StringBuilder();
        groups.entrySet().stream().filter(g -> g.getValue() >= total / 100)
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .forEach(g -> line.append(String.format(Locale.ROOT, "; %s %.1f", g.getKey(),
                        readings == 0 ? 0.0 : g.getValue() / 1e3 / readings)));
        System.out.printf(Locale.ROOT, "[%s] generator CPU-us per reading published, by thread group (threads alive "
                + "through the window)%s%n", mode, line);
    }
}
