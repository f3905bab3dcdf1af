package org.telekiosk.hardware.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The load benchmark's CPU pinning ({@code -Dload.broker.cpus}, {@code -Dload.generator.cpus}), with Linux's
 * {@code taskset}: the broker and the generator on disjoint cores of one machine stand for the broker's node and a
 * load generator on another machine, which this build machine does not have. A blank list means "not pinned".
 */
final class CpuPinning {
    /** A CPU list as {@code taskset -c} takes it: {@code 0}, {@code 0,1}, {@code 0-3}. */
    private static final Pattern CPU_LIST = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");

    private CpuPinning() {}

    /** The CPU list {@code value} of the setting {@code key}, checked; blank stays blank. */
    static String cpuList(String key, String value) {
        String cpus = value == null ? "" : value.strip();
        if (!cpus.isEmpty() && !CPU_LIST.matcher(cpus).matches()) {
            throw new IllegalArgumentException(key + "=" + value + ": expected a CPU list as taskset -c takes it, "
                    + "e.g. 0, 0,1 or 0-1");
        }
        return cpus;
    }

    /** The command prefix that starts a process on {@code cpus}: none when blank. */
    static List<String> commandPrefix(String cpus) {
        return cpus.isEmpty() ? List.of() : List.of("taskset", "-c", cpus);
    }

    /**
     * Pins every thread of process {@code pid} to {@code cpus} ({@code taskset -a -p}); threads it starts later
     * inherit the mask from the thread that starts them. A JVM pinned after its start keeps the ergonomics it chose
     * at its start (the collector, its GC threads); what asks {@code availableProcessors()} later sees the new count.
     *
     * @throws IOException when {@code taskset} is missing or refuses (its message in the exception)
     */
    static void pin(long pid, String cpus) throws IOException, InterruptedException {
        if (cpus.isEmpty()) {
            return;
        }
        Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid))
                .redirectErrorStream(true).start();
        String output = new String(taskset.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int exit = taskset.waitFor();
        if (exit != 0) {
            throw new IOException("taskset -a -p -c " + cpus + " " + pid + " exited with " + exit + ": " + output);
        }
    }
}
