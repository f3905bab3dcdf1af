package org.telekiosk.agent.uplink;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The unacknowledged QoS 1 publishes of one connection, at most {@link #capacity()} of them (MQTT 5 §4.9, flow
 * control). It is ours rather than Paho's: Paho 1.2.5 counts its in-flight messages in a way that lets a publish
 * fail with 32202 "too many publishes in progress" although nothing is pending. Each connection gets a new window;
 * {@link #close()} hands back whatever is still pending so that the uplink can complete it.
 */
final class InflightWindow {
    /** What {@link #tryAdmit} decided. */
    enum Admission { ADMITTED, FULL, CLOSED }

    private final int capacity;
    private final Set<CompletableFuture<?>> pending = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    InflightWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    synchronized Admission tryAdmit(CompletableFuture<?> publish) {
        if (closed) {
            return Admission.CLOSED;
        }
        if (pending.size() >= capacity) {
            return Admission.FULL;
        }
        pending.add(publish);
        return Admission.ADMITTED;
    }

    /** Frees the slot of {@code publish}; false if it was not pending (already released, or the window closed). */
    synchronized boolean release(CompletableFuture<?> publish) {
        return pending.remove(publish);
    }

    synchronized int inFlight() {
        return pending.size();
    }

    /** Closes the window for good and returns what was still pending. */
    synchronized List<CompletableFuture<?>> close() {
        closed = true;
        List<CompletableFuture<?>> left = new ArrayList<>(pending);
        pending.clear();
        return left;
    }
}
