package org.telekiosk.broker.viewer;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.protocol.KioskId;

/**
 * The threads the viewer hub's work runs on (ordering, encoding, routing, queueing to the sockets), so that whoever
 * hands a message in only queues it: the store's single writer thread, which completes the commits' futures, must not
 * spend its time on the viewers (docs/benchmarks.md, "The broker's CPU per reading"). Each kiosk is served by one
 * lane, a platform thread {@code vitals-fanout-<n>} with a bounded queue, chosen by the kiosk's id: one kiosk's
 * messages are taken in the order they were handed in, and different kiosks' on different lanes at once.
 *
 * <p>A lane whose queue is full (the node's viewers fall behind the intake as a whole) drops the message and counts it
 * ({@link #droppedCount}), as a viewer that cannot keep up misses readings: the readings are stored and acknowledged
 * regardless. {@link #inPlace()} runs every task on the caller's thread (one ordered caller, tests).
 */
public final class FanOut implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FanOut.class);

    /** Messages waiting per lane at most: several seconds of a busy node's readings. */
    public static final int DEFAULT_QUEUE = 16_384;

    private final ThreadPoolExecutor[] lanes;
    private final LongAdder dropped = new LongAdder();

    /**
     * @param lanes the threads, at least 1
     * @param queue how many tasks may wait per lane at most, at least 1
     */
    public FanOut(int lanes, int queue) {
        if (lanes < 1 || queue < 1) {
            throw new IllegalArgumentException("lanes and queue must be at least 1, were " + lanes + ", " + queue);
        }
        this.lanes = new ThreadPoolExecutor[lanes];
        for (int i = 0; i < lanes; i++) {
            this.lanes[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                    Thread.ofPlatform().name("vitals-fanout-" + i).daemon().factory(),
                    new ThreadPoolExecutor.AbortPolicy());
        }
    }

    private FanOut() {
        this.lanes = new ThreadPoolExecutor[0];
    }

    /** Runs every task at once on the caller's thread. */
    public static FanOut inPlace() {
        return new FanOut();
    }

    /** One lane per two cores, at least one: the lanes share the cores with the event loops and the intake. */
    public static int defaultLanes() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /** Runs {@code task} on {@code kiosk}'s lane, after the tasks handed in for that kiosk before. Never blocks. */
    public void execute(KioskId kiosk, Runnable task) {
        if (lanes.length == 0) {
            task.run();
            return;
        }
        try {
            lanes[Math.floorMod(kiosk.hashCode(), lanes.length)].execute(() -> run(task));
        } catch (RejectedExecutionException full) {
            dropped.increment();
        }
    }

    private static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("A vitals fan-out task failed", e);
        }
    }

    /** Messages not handed to the viewers because their lane's queue was full (or the node was stopping). */
    public long droppedCount() {
        return dropped.sum();
    }

    /** Stops the lanes; what waits is not sent (the viewers' sockets close with the node). */
    @Override
    public void close() {
        for (ThreadPoolExecutor lane : lanes) {
            lane.shutdownNow();
        }
    }
}
