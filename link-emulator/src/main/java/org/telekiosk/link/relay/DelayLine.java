package org.telekiosk.link.relay;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Packets waiting for their time, earliest first (equal times in arrival order). At most {@code capacity} wait;
 * beyond that a packet is refused (the caller counts it as lost, as a full router queue drops). Tests drain it with
 * {@link #pollDue}; a relay's sender thread uses {@link #take}.
 */
public final class DelayLine<T> {
    private record Entry<T>(long dueNanos, long order, T item) {}

    private final PriorityQueue<Entry<T>> queue = new PriorityQueue<>((a, b) -> a.dueNanos() != b.dueNanos()
            ? Long.compare(a.dueNanos(), b.dueNanos()) : Long.compare(a.order(), b.order()));
    private final int capacity;
    private long order;

    public DelayLine(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    /** Queues {@code item} for {@code dueNanos}; false if the line is full. */
    public synchronized boolean put(long dueNanos, T item) {
        if (queue.size() >= capacity) {
            return false;
        }
        queue.add(new Entry<>(dueNanos, order++, item));
        notifyAll();
        return true;
    }

    /** Everything due at {@code nowNanos}, in order. */
    public synchronized List<T> pollDue(long nowNanos) {
        List<T> due = new ArrayList<>();
        while (!queue.isEmpty() && queue.peek().dueNanos() <= nowNanos) {
            due.add(queue.poll().item());
        }
        return due;
    }

    public synchronized int size() {
        return queue.size();
    }

    /** Waits (real time, by {@code ticker}) for the next packet to fall due and returns it. */
    public synchronized T take(Ticker ticker) throws InterruptedException {
        while (true) {
            Entry<T> head = queue.peek();
            if (head == null) {
                wait();
                continue;
            }
            long wait = head.dueNanos() - ticker.nanos();
            if (wait <= 0) {
                return queue.poll().item();
            }
            wait(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
