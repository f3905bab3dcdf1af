package org.telekiosk.agent.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A single-threaded scheduler whose time the test steps: tasks run on the test's thread, only in {@link #runDue()}
 * and {@link #advance(Duration)}, in the order of their due time (then of their submission). Any thread may submit.
 * Its time is the {@code nanoTime} it is given, so the code under test reads the same clock it is scheduled by.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final AtomicLong nanoTime;
    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private long submitted;
    private boolean shutdown;

    ManualScheduler(AtomicLong nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Runs every task that is due now, including those the tasks submit for now; returns how many ran. */
    int runDue() {
        int ran = 0;
        for (Task<?> task; (task = nextDue(nanoTime.get())) != null; ran++) {
            task.run();
        }
        return ran;
    }

    /** Steps time by {@code step}, running each task at its due time on the way. */
    void advance(Duration step) {
        long end = nanoTime.get() + step.toNanos();
        for (Task<?> task; (task = nextDue(end)) != null; ) {
            nanoTime.set(Math.max(nanoTime.get(), task.due));
            task.run();
        }
        nanoTime.set(end);
        runDue();
    }

    private synchronized Task<?> nextDue(long until) {
        Task<?> head = queue.peek();
        return head != null && head.due <= until ? queue.poll() : null;
    }

    private synchronized <T> Task<T> add(Task<T> task) {
        if (shutdown) {
            throw new RejectedExecutionException("shut down");
        }
        queue.add(task);
        return task;
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return schedule(() -> {
            command.run();
            return null;
        }, delay, unit);
    }

    @Override
    public synchronized <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return add(new Task<>(callable, nanoTime.get() + unit.toNanos(delay), 0, submitted++));
    }

    @Override
    public synchronized ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period,
            TimeUnit unit) {
        return scheduleWithFixedDelay(command, initialDelay, period, unit);
    }

    @Override
    public synchronized ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
            TimeUnit unit) {
        if (delay <= 0) {
            throw new IllegalArgumentException("delay must be positive");
        }
        return add(new Task<>(() -> {
            command.run();
            return null;
        }, nanoTime.get() + unit.toNanos(initialDelay), unit.toNanos(delay), submitted++));
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> pending = new ArrayList<>(queue);
        queue.clear();
        return pending;
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown && queue.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    private final class Task<V> implements ScheduledFuture<V>, Runnable {
        private final Callable<V> callable;
        private final long period;
        private final long order;
        private long due;
        private boolean done;
        private boolean cancelled;
        private V value;
        private Throwable failure;

        Task(Callable<V> callable, long due, long period, long order) {
            this.callable = callable;
            this.due = due;
            this.period = period;
            this.order = order;
        }

        @Override
        public void run() {
            synchronized (ManualScheduler.this) {
                if (cancelled) {
                    return;
                }
            }
            try {
                V result = callable.call();
                if (period > 0) {
                    synchronized (ManualScheduler.this) {
                        due = nanoTime.get() + period;
                        if (!shutdown && !cancelled) {
                            queue.add(this);
                        }
                    }
                    return;
                }
                value = result;
            } catch (Exception | Error e) {
                failure = e;
            }
            synchronized (ManualScheduler.this) {
                done = true;
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            synchronized (ManualScheduler.this) {
                if (done) {
                    return false;
                }
                cancelled = true;
                done = true;
                queue.remove(this);
                return true;
            }
        }

        @Override
        public boolean isCancelled() {
            synchronized (ManualScheduler.this) {
                return cancelled;
            }
        }

        @Override
        public boolean isDone() {
            synchronized (ManualScheduler.this) {
                return done;
            }
        }

        @Override
        public V get() throws ExecutionException {
            if (!isDone()) {
                throw new IllegalStateException("not run yet: step the scheduler");
            }
            if (cancelled) {
                throw new CancellationException();
            }
            if (failure != null) {
                throw new ExecutionException(failure);
            }
            return value;
        }

        @Override
        public V get(long timeout, TimeUnit unit) throws ExecutionException {
            return get();
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - nanoTime.get(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Task<?> that = (Task<?>) other;
            int byDue = Long.compare(due, that.due);
            return byDue != 0 ? byDue : Long.compare(order, that.order);
        }
    }
}
