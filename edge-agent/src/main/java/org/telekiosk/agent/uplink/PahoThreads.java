package org.telekiosk.agent.uplink;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;

/**
 * The only threads Paho gets. Given an executor, Paho 1.2.5 runs its receiver, sender, callback, connect and ping
 * work on it instead of starting threads and {@link java.util.Timer}s of its own, so the number of its threads is
 * bounded by {@link #SIZE} and {@code shutdownNow()} releases all of them. A connected client occupies three
 * threads (receiver, sender, callback) plus short connect and ping tasks; the rest is headroom for the previous
 * connection's receiver while it unwinds. Paho renames the threads it runs on; they get their name back here.
 */
final class PahoThreads extends ScheduledThreadPoolExecutor {
    static final int SIZE = 8;

    private final String name;

    PahoThreads(String name) {
        super(SIZE, factory(name));
        this.name = name;
        setRemoveOnCancelPolicy(true);
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
