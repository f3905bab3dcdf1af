package org.telekiosk.broker.store;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** {@link StoreWriterBenchmark}'s look at its own process and threads (Linux /proc, the JVM's beans). */
final class BenchmarkProcess {
    private BenchmarkProcess() { }

    /** The CPU time (user + system, clock ticks of 10 ms) of these processes so far; 0 for one that is gone. */
    static long ticks(List<Integer> pids) {
        long sum = 0;
        for (int pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                sum += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime: fields 14, 15
            } catch (java.io.IOException | RuntimeException e) {
                // gone, or not on this machine
            }
        }
        return sum;
    }

    /** {rchar, wchar, syscr, syscw} of this process's thread with that name (Linux /proc), zeros elsewhere. */
    static long[] threadIo(String name) {
        long[] io = new long[4];
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                if (Files.readString(task.resolve("comm")).strip().equals(name)) {
                    String[] keys = {"rchar", "wchar", "syscr", "syscw"};
                    for (String line : Files.readAllLines(task.resolve("io"))) {
                        for (int k = 0; k < keys.length; k++) {
                            if (line.startsWith(keys[k] + ":")) {
                                io[k] = Long.parseLong(line.substring(keys[k].length() + 1).strip());
                            }
                        }
                    }
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: no figures
        }
        return io;
    }

    static long writerThreadId() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("store-writer") && t.isAlive())
                .mapToLong(Thread::threadId).max().orElseThrow();
    }

    /** The newest live thread of that name, or -1 (SQLite's checkpoint thread; PostgreSQL has none). */
    static long threadId(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(name) && t.isAlive())
                .mapToLong(Thread::threadId).max().orElse(-1);
    }

    static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** PostgreSQL's WAL insert position in bytes (pg_current_wal_insert_lsn). */
    static long walPosition(StoreDatabase database) throws java.sql.SQLException {
        try (var c = database.connect(); var statement = c.createStatement();
                var rs = statement.executeQuery("SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
