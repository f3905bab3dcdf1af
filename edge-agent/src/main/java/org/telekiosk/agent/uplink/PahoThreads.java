package org.telekiosk.agent.uplink;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The only threads Paho gets. Given an executor, Paho 1.2.5 runs its receiver, sender, callback, connect and ping
 * work on it instead of starting threads and {@link java.util.Timer}s of its own, so the number of its threads is
 * bounded by {@link #SIZE} and {@code shutdownNow()} releases all of them. A connected client occupies three
 * threads (receiver, sender, callback) plus short connect and ping tasks; the rest is headroom for the previous
 * connection's receiver while it unwinds. Paho renames the threads it runs on; they get their name back here.
 *
 * <p>A thread idle for {@link #IDLE} ends (a pool creates a thread for each task until it has {@link #SIZE}, even while
 * others are idle, so without this all eight would live for the agent's whole life: five of them idle, about 0.1 MiB of
 * stack and thread structures each on a kiosk; docs/benchmarks.md, issue 18's fifth pass). While a ping or another
 * scheduled task waits in the queue, at least one thread stays; a task that comes after the others ended starts one.
 */
final class PahoThreads extends ScheduledThreadPoolExecutor {
    static final int SIZE = 8;
    /** How long a thread of the pool may wait for work before it ends. */
    static final Duration IDLE = Duration.ofSeconds(10);

    private final String name;

    PahoThreads(String name) {
        this(name, IDLE);
    }

    PahoThreads(String name, Duration idle) {
        super(SIZE, factory(name));
        this.name = name;
        setRemoveOnCancelPolicy(true);
        setKeepAliveTime(idle.toNanos(), TimeUnit.NANOSECONDS);
        allowCoreThreadTimeOut(true);
    }

    @Override
    protected void afterExecute(Runnable task, Throwable failure) {
        super.afterExecute(task, failure);
        Thread.currentThread().setName(name + "-" + Thread.currentThread().threadId());
    }

    static ThreadFactory factory(String name) {
        return task -> {
            Thread thread = new Thread(task);
            thread.setName(name + "-" + thread.threadId());
            thread.setDaemon(true);
            return thread;
        };
    }
}
