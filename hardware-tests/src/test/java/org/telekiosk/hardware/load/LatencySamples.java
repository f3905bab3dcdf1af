package org.telekiosk.hardware.load;

import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A step's latencies in microseconds, spot readings and batches apart, one {@code long} each in a growing array: no
 * object a sample (a boxed {@code Long} and a queue node each before; that old way stays for {@link GeneratorPaths}'
 * A/B). Written by the thread that receives the frames (the doctors' sockets' event loop, or the raw subscriber's),
 * read by the step after its window; a lock that is not contended in the window keeps the two apart.
 */
final class LatencySamples {
    private long[] spots = new long[1 << 16];
    private long[] batches = new long[1 << 16];
    private int spotCount;
    private int batchCount;
    private final ConcurrentLinkedQueue<Long> spotsBoxed = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> batchesBoxed = new ConcurrentLinkedQueue<>();

    /** One reading's latency; {@code boxed} the old way. */
    void add(boolean spot, long latencyMicros, boolean boxed) {
        if (boxed) {
            (spot ? spotsBoxed : batchesBoxed).add(latencyMicros);
            return;
        }
        synchronized (this) {
            if (spot) {
                if (spotCount == spots.length) {
                    spots = Arrays.copyOf(spots, spotCount * 2);
                }
                spots[spotCount++] = latencyMicros;
            } else {
                if (batchCount == batches.length) {
                    batches = Arrays.copyOf(batches, batchCount * 2);
                }
                batches[batchCount++] = latencyMicros;
            }
        }
    }

    synchronized void clear() {
        spotCount = 0;
        batchCount = 0;
        spotsBoxed.clear();
        batchesBoxed.clear();
    }

    synchronized Latency spot() {
        return Latency.of(join(Arrays.copyOf(spots, spotCount), spotsBoxed));
    }

    synchronized Latency batch() {
        return Latency.of(join(Arrays.copyOf(batches, batchCount), batchesBoxed));
    }

    synchronized Latency all() {
        long[] s = join(Arrays.copyOf(spots, spotCount), spotsBoxed);
        long[] b = join(Arrays.copyOf(batches, batchCount), batchesBoxed);
        long[] all = Arrays.copyOf(s, s.length + b.length);
        System.arraycopy(b, 0, all, s.length, b.length);
        return Latency.of(all);
    }

    private static long[] join(long[] a, ConcurrentLinkedQueue<Long> boxed) {
        if (boxed.isEmpty()) {
            return a;
        }
        long[] more = boxed.stream().mapToLong(Long::longValue).toArray();
        long[] all = Arrays.copyOf(a, a.length + more.length);
        System.arraycopy(more, 0, all, a.length, more.length);
        return all;
    }
}
