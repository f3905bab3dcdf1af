package org.telekiosk.broker.store;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * {@link StoreWriterBenchmark}'s look at the writer's tail (issue 16, sixteenth session): every batch's phases as the
 * broker's stage meters see them ({@link WriterStages}), each reading's queue wait, and beside each batch what might
 * have made its transaction slow: the writer thread's CPU and run-queue wait in its cycle ({@code /proc} schedstat),
 * the WAL's state after it (SQLite's wal-index header in the {@code -shm} file: frames, frames copied back, the salt
 * that changes when the WAL starts over), the checkpointer's checkpoints and the JVM's GC pauses that overlapped its
 * transaction. Only while {@link #measuring}. Benchmarks only: it reads files on the writer's thread.
 */
final class WriterTailProbe implements WriterStages, AutoCloseable {
    /** Per batch: end, gather, transaction, handoff, readings, cpu, runqueue wait, mxFrame, nBackfill, salt. */
    private static final int FIELDS = 10;
    private final FileChannel shm;
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final long[][] batches = new long[400_000][];
    private int batchCount;
    private long[] waits = new long[1 << 20];
    private int waitCount;
    private int readingsInBatch;
    private long lastCpu = -1;
    private long lastRunqueue = -1;
    private final ConcurrentLinkedQueue<long[]> checkpoints = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<long[]> pauses = new ConcurrentLinkedQueue<>();
    private final List<Runnable> unregister = new ArrayList<>();
    /** nanoTime minus the JVM's uptime in ns, for GcInfo's times. */
    private final long uptimeOrigin;
    volatile boolean measuring;
    private volatile String writerTid;
    private volatile String checkpointTid;

    /** This thread's Linux id (for matching strace's lines), or "?". */
    private static String tid() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
        } catch (java.io.IOException | RuntimeException e) {
            return "?";
        }
    }

    WriterTailProbe(Path database) throws java.io.IOException {
        Path shmFile = database.resolveSibling(database.getFileName() + "-shm");
        shm = Files.exists(shmFile) ? FileChannel.open(shmFile, StandardOpenOption.READ) : null;
        uptimeOrigin = System.nanoTime() - ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                javax.management.NotificationListener listener = (n, h) -> {
                    if (measuring && n.getType().equals(
                            GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                        var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                        if (!info.getGcName().contains("Concurrent") || info.getGcAction().contains("pause")
                                || info.getGcInfo().getDuration() > 0) {
                            pauses.add(new long[] {uptimeOrigin + info.getGcInfo().getStartTime() * 1_000_000L,
                                    uptimeOrigin + info.getGcInfo().getEndTime() * 1_000_000L});
                        }
                    }
                };
                emitter.addNotificationListener(listener, null, null);
                unregister.add(() -> {
                    try {
                        emitter.removeNotificationListener(listener);
                    } catch (javax.management.ListenerNotFoundException e) {
                        // gone
                    }
                });
            }
        }
    }

    /** For {@link MeasurementStore#observeCheckpoints}: the checkpointer's checkpoints while measuring. */
    void checkpointed(long started, long ended, boolean busy, long walFrames, long copiedFrames) {
        if (checkpointTid == null) {
            checkpointTid = tid();
        }
        if (measuring) {
            checkpoints.add(new long[] {started, ended, busy ? 1 : 0, walFrames, copiedFrames});
        }
    }

    @Override
    public void reading(long intake, long queued) {
        readingsInBatch++;
        if (measuring) {
            if (waitCount == waits.length) {
                waits = Arrays.copyOf(waits, waits.length * 2);
            }
            waits[waitCount++] = queued;
        }
    }

    @Override
    public void batch(long gather, long transaction, long handOff) {
        long end = System.nanoTime();
        if (writerTid == null) {
            writerTid = tid();
        }
        long cpu = mx.getCurrentThreadCpuTime();
        long runqueue = runqueueWait();
        long[] wal = wal();
        if (measuring && lastCpu >= 0 && batchCount < batches.length) {
            batches[batchCount++] = new long[] {end, gather, transaction, handOff, readingsInBatch, cpu - lastCpu,
                runqueue - lastRunqueue, wal[0], wal[1], wal[2]};
        }
        lastCpu = cpu;
        lastRunqueue = runqueue;
        readingsInBatch = 0;
    }

    /** This thread's time waiting on a run queue so far (ns), from /proc; 0 where there is none. */
    private static long runqueueWait() {
        try {
            String s = Files.readString(Path.of("/proc/thread-self/schedstat"));
            return Long.parseLong(s.split(" ")[1]);
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    /** {mxFrame, nBackfill, salt1} from the wal-index header (wal.c: WalIndexHdr at 0, WalCkptInfo at 96). */
    private long[] wal() {
        if (shm == null) {
            return new long[3];
        }
        try {
            ByteBuffer b = ByteBuffer.allocate(136).order(ByteOrder.nativeOrder());
            shm.read(b, 0);
            return new long[] {Integer.toUnsignedLong(b.getInt(16)), Integer.toUnsignedLong(b.getInt(96)),
                Integer.toUnsignedLong(b.getInt(32))};
        } catch (java.io.IOException e) {
            return new long[3];
        }
    }

    /** Prints the distributions and the slow transactions with what overlapped them. */
    void report(String label, long windowStart) {
        long[] tx = column(2);
        long[] gather = column(1);
        long[] handoff = column(3);
        long[] size = column(4);
        long[] queued = Arrays.copyOf(waits, waitCount);
        System.out.printf(Locale.ROOT, "storetail %s batches %d: transaction ms p50 %.2f p90 %.2f p99 %.2f p99.9 %.2f"
                + " max %.2f; gather p50 %.2f p99 %.2f; handoff p99 %.2f; readings a batch p50 %d p99 %d max %d%n",
                label, batchCount, ms(tx, 0.5), ms(tx, 0.9), ms(tx, 0.99), ms(tx, 0.999), ms(tx, 1), ms(gather, 0.5),
                ms(gather, 0.99), ms(handoff, 0.99), pct(size, 0.5), pct(size, 0.99), pct(size, 1));
        System.out.printf(Locale.ROOT, "storetail %s readings %d: queue wait ms p50 %.2f p99 %.2f p99.9 %.2f max %.2f%n",
                label, waitCount, ms(queued, 0.5), ms(queued, 0.99), ms(queued, 0.999), ms(queued, 1));
        System.out.printf(Locale.ROOT, "storetail %s threads: store-writer %s, store-checkpoint %s%n", label, writerTid,
                checkpointTid);
        List<long[]> cps = new ArrayList<>(checkpoints);
        List<long[]> gcs = new ArrayList<>(pauses);
        long[] cpDur = cps.stream().mapToLong(c -> c[1] - c[0]).sorted().toArray();
        long resets = 0;
        long writerCheckpoints = 0;
        long maxFrames = 0;
        for (int i = 1; i < batchCount; i++) {
            if (batches[i][9] != batches[i - 1][9]) {
                resets++;
            }
            if (writerCheckpointed(i)) {
                writerCheckpoints++;
            }
            maxFrames = Math.max(maxFrames, batches[i][7]);
        }
        System.out.printf(Locale.ROOT, "storetail %s WAL: %d restarts, %d writer checkpoints (backstop %d), max %d frames;"
                + " checkpointer: %d checkpoints, ms p50 %.1f p99 %.1f max %.1f, %d busy; GC pauses %d, %.0f ms%n",
                label, resets, writerCheckpoints, WalCheckpointer.WRITER_BACKSTOP_PAGES, maxFrames, cps.size(),
                ms(cpDur, 0.5), ms(cpDur, 0.99), ms(cpDur, 1), cps.stream().filter(c -> c[2] != 0).count(), gcs.size(),
                gcs.stream().mapToLong(g -> g[1] - g[0]).sum() / 1e6);
        // The slowest 0.5 % of transactions (at least 10): what they overlapped.
        Integer[] order = new Integer[batchCount];
        for (int i = 0; i < batchCount; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(batches[b][2], batches[a][2]));
        int slow = Math.min(batchCount, Math.max(10, batchCount / 200));
        int withWriterCheckpoint = 0;
        int withCheckpointer = 0;
        int withGc = 0;
        int withRunqueue = 0;
        int withReset = 0;
        for (int k = 0; k < slow; k++) {
            int i = order[k];
            long[] b = batches[i];
            long txEnd = b[0] - b[3];
            long txStart = txEnd - b[2];
            long cpOverlap = overlap(cps, txStart, txEnd);
            long gcOverlap = overlap(gcs, txStart, txEnd);
            boolean wc = writerCheckpointed(i);
            boolean reset = i > 0 && b[9] != batches[i - 1][9];
            withWriterCheckpoint += wc ? 1 : 0;
            withCheckpointer += cpOverlap > 0 ? 1 : 0;
            withGc += gcOverlap > 0 ? 1 : 0;
            withRunqueue += b[6] > b[2] / 3 ? 1 : 0;
            withReset += reset ? 1 : 0;
            if (k < 12) {
                System.out.printf(Locale.ROOT, "storetail %s slow #%d at %.2f s: tx %.1f ms, %d readings, cycle cpu %.1f"
                        + " ms, runqueue %.1f ms, checkpointer overlap %.1f ms, GC overlap %.1f ms, writer checkpoint %s,"
                        + " WAL restart %s, frames %d (copied %d)%n", label, k + 1, (txStart - windowStart) / 1e9,
                        b[2] / 1e6, b[4], b[5] / 1e6, b[6] / 1e6, cpOverlap / 1e6, gcOverlap / 1e6, wc, reset, b[7], b[8]);
            }
        }
        System.out.printf(Locale.ROOT, "storetail %s slowest %d transactions (>= %.1f ms): writer checkpoint %d,"
                + " checkpointer overlapping %d, GC overlapping %d, runqueue > a third %d, WAL restart %d%n", label, slow,
                slow > 0 ? batches[order[slow - 1]][2] / 1e6 : 0, withWriterCheckpoint, withCheckpointer, withGc,
                withRunqueue, withReset);
        // The whole window's share of transactions overlapping the checkpointer, for comparison.
        int anyCp = 0;
        for (int i = 0; i < batchCount; i++) {
            long txEnd = batches[i][0] - batches[i][3];
            if (overlap(cps, txEnd - batches[i][2], txEnd) > 0) {
                anyCp++;
            }
        }
        System.out.printf(Locale.ROOT, "storetail %s of all %d transactions %d overlapped a checkpointer checkpoint%n",
                label, batchCount, anyCp);
    }

    /** The writer's own checkpoint ran in batch i's commit: the WAL at the backstop and all of it copied after. */
    private boolean writerCheckpointed(int i) {
        long[] b = batches[i];
        return b[7] >= WalCheckpointer.WRITER_BACKSTOP_PAGES && b[8] == b[7];
    }

    private static long overlap(List<long[]> spans, long from, long to) {
        long sum = 0;
        for (long[] s : spans) {
            sum += Math.max(0, Math.min(to, s[1]) - Math.max(from, s[0]));
        }
        return sum;
    }

    private long[] column(int field) {
        long[] c = new long[batchCount];
        for (int i = 0; i < batchCount; i++) {
            c[i] = batches[i][field];
        }
        Arrays.sort(c);
        return c;
    }

    private static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        if (!isSorted(sorted)) {
            Arrays.sort(sorted);
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1 < 0 ? 0
                : (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static boolean isSorted(long[] a) {
        for (int i = 1; i < a.length; i++) {
            if (a[i] < a[i - 1]) {
                return false;
            }
        }
        return true;
    }

    private static double ms(long[] sorted, double p) {
        return pct(sorted, p) / 1e6;
    }

    @Override
    public void close() throws java.io.IOException {
        unregister.forEach(Runnable::run);
        if (shm != null) {
            shm.close();
        }
    }
}
