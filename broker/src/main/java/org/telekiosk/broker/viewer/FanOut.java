package org.telekiosk.broker.viewer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.protocol.KioskId;

/**
 * The threads the viewer hub's work runs on (ordering, encoding, routing, queueing to the sockets), so that whoever
 * hands a message in only queues it: the store's single writer thread, which completes the commits' futures, must not
 * spend its time on the viewers (docs/benchmarks.md, "The broker's CPU per reading"). Each kiosk is served by one
 * lane, a platform thread {@code vitals-fanout-<n>}, chosen by the kiosk's id: one kiosk's tasks run one after the
 * other in the order they were handed in, and different kiosks' on different lanes at once. Everything the hub sends
 * of a kiosk to any viewer runs on the kiosk's lane, so nothing sent of one kiosk can overtake another.
 *
 * <p>A lane with {@code queue} messages waiting (the node's viewers fall behind the intake as a whole) drops the next
 * message and counts it ({@link #droppedCount}), as a viewer that cannot keep up misses readings: the readings are
 * stored and acknowledged regardless. The hub's own tasks ({@link #executeAlways}: replays, the order's released gaps)
 * are few and never dropped. {@link #inPlace()} runs every task on the caller's thread (one ordered caller, tests).
 *
 * <p>A lane runs its tasks in <em>bursts</em>: what waits when it wakes, up to {@link #BURST} tasks. Work deferred with
 * {@link #atBurstEnd} runs once the burst is over (the sockets' writes handed to their event loops, one task per loop
 * instead of one per frame).
 */
public final class FanOut implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FanOut.class);

    /** Messages waiting per lane at most: several seconds of a busy node's readings. */
    public static final int DEFAULT_QUEUE = 16_384;
    /** Tasks a lane runs at most before the work deferred to the burst's end runs: a few milliseconds. */
    static final int BURST = 64;

    private static final ThreadLocal<Lane> CURRENT = new ThreadLocal<>();

    private final Lane[] lanes;
    private final int queue;
    private final LongAdder dropped = new LongAdder();

    /**
     * @param lanes the threads, at least 1
     * @param queue how many messages may wait per lane at most, at least 1
     */
    public FanOut(int lanes, int queue) {
        if (lanes < 1 || queue < 1) {
            throw new IllegalArgumentException("lanes and queue must be at least 1, were " + lanes + ", " + queue);
        }
        this.queue = queue;
        this.lanes = new Lane[lanes];
        for (int i = 0; i < lanes; i++) {
            this.lanes[i] = new Lane("vitals-fanout-" + i);
        }
    }

    private FanOut() {
        this.lanes = new Lane[0];
        this.queue = 0;
    }

    /** Runs every task at once on the caller's thread. */
    public static FanOut inPlace() {
        return new FanOut();
    }

    /** One lane per two cores, at least one: the lanes share the cores with the event loops and the intake. */
    public static int defaultLanes() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /**
     * Runs {@code task} on {@code kiosk}'s lane, after the tasks handed in for that kiosk before, unless the lane has
     * as many messages waiting as it may hold: then the task is dropped and counted. Never blocks.
     */
    public void execute(KioskId kiosk, Runnable task) {
        if (lanes.length == 0) {
            task.run();
            return;
        }
        Lane lane = laneOf(kiosk);
        if (lane.waiting.incrementAndGet() > queue) {
            lane.waiting.decrementAndGet();
            dropped.increment();
            return;
        }
        lane.offer(() -> {
            lane.waiting.decrementAndGet();
            task.run();
        });
    }

    /**
     * Runs {@code task} on {@code kiosk}'s lane, after the tasks handed in for that kiosk before, however many wait: for
     * the hub's own rare tasks, which must not be lost (a viewer's replay, a kiosk's gap given up). Never blocks.
     */
    public void executeAlways(KioskId kiosk, Runnable task) {
        if (lanes.length == 0) {
            task.run();
            return;
        }
        laneOf(kiosk).offer(task);
    }

    /**
     * On a lane: defers {@code task} until the lane's current burst is over and returns true. Anywhere else (including
     * an in-place fan-out) returns false and does nothing: the caller does the work at once.
     */
    public static boolean atBurstEnd(Runnable task) {
        Lane lane = CURRENT.get();
        if (lane == null) {
            return false;
        }
        lane.atEnd.add(task);
        return true;
    }

    /** Whether the caller runs on a lane of some fan-out. */
    public static boolean onLane() {
        return CURRENT.get() != null;
    }

    private Lane laneOf(KioskId kiosk) {
        return lanes[Math.floorMod(kiosk.hashCode(), lanes.length)];
    }

    /** Messages not handed to the viewers because their lane's queue was full. */
    public long droppedCount() {
        return dropped.sum();
    }

    /** Stops the lanes; what waits is not sent (the viewers' sockets close with the node). */
    @Override
    public void close() {
        for (Lane lane : lanes) {
            lane.shutdownNow();
        }
    }

    /** One thread and its unbounded queue (bounded for messages by {@link #waiting}); the burst's deferred work. */
    private static final class Lane extends ThreadPoolExecutor {
        final AtomicInteger waiting = new AtomicInteger();
        /** Work deferred to the end of the burst; only the lane's thread touches it. */
        final List<Runnable> atEnd = new ArrayList<>();
        private int inBurst;

        Lane(String name) {
            super(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
            setThreadFactory(r -> Thread.ofPlatform().name(name).daemon().unstarted(() -> {
                CURRENT.set(this);
                r.run();
            }));
        }

        void offer(Runnable task) {
            try {
                execute(() -> {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        LOG.error("A vitals fan-out task failed", e);
                    }
                });
            } catch (RejectedExecutionException stopping) {
                // The node is stopping: nothing more is sent.
            }
        }

        @Override
        protected void afterExecute(Runnable task, Throwable failure) {
            if (++inBurst >= BURST || getQueue().isEmpty()) {
                inBurst = 0;
                endBurst();
            }
        }

        private void endBurst() {
            for (int i = 0; i < atEnd.size(); i++) {
                try {
                    atEnd.get(i).run();
                } catch (RuntimeException e) {
                    LOG.error("A vitals fan-out burst's deferred work failed", e);
                }
            }
            atEnd.clear();
        }
    }
}
