package org.telekiosk.broker.mqtt;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * Acknowledges QoS 1 messages in the order they arrived (MQTT 5 §4.6: a receiver sends its PUBACKs in the order of
 * the PUBLISHes), each only once the intake has taken care of it (a reading: committed to the store). A message whose
 * handling failed is not acknowledged, nor is anything behind it: the line calls {@code onFailure}, which reconnects,
 * and the MQTT broker sends every unacknowledged message of the session again (§4.4); the store keeps each
 * (kiosk, seq) once. Each connection is a new generation: completions from an earlier one are ignored (packet ids
 * are reused on the new connection). Thread-safe; acknowledgements are sent under the line's lock, so in order.
 */
final class AckLine {
    /** Sends one PUBACK. */
    @FunctionalInterface
    interface Acknowledger {
        void acknowledge(int packetId, int qos) throws Exception;
    }

    /** One message in line. */
    final class Slot {
        private final long generation;
        private final int packetId;
        private final int qos;
        private boolean done;
        private Throwable failure;

        private Slot(long generation, int packetId, int qos) {
            this.generation = generation;
            this.packetId = packetId;
            this.qos = qos;
        }

        /** The message was taken care of ({@code failure == null}) or not. */
        void complete(Throwable failure) {
            AckLine.this.complete(this, failure);
        }
    }

    private final Acknowledger acknowledger;
    private final Runnable onFailure;
    private final ArrayDeque<Slot> line = new ArrayDeque<>();
    private long generation;
    private long acknowledged;

    AckLine(Acknowledger acknowledger, Runnable onFailure) {
        this.acknowledger = Objects.requireNonNull(acknowledger, "acknowledger");
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
    }

    /** A message arrived on the current connection: its place in line. */
    synchronized Slot arrived(int packetId, int qos) {
        Slot slot = new Slot(generation, packetId, qos);
        line.add(slot);
        return slot;
    }

    /** A new connection: whatever is in line belongs to the old one and is never acknowledged. */
    synchronized void newConnection() {
        generation++;
        line.clear();
        notifyAll();
    }

    /**
     * Waits until the line is empty (everything in it acknowledged, or given up with its connection), at most
     * {@code wait}; whether it is. For a drain, once nothing joins the line any more. Blocking.
     */
    synchronized boolean awaitEmpty(java.time.Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!line.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Messages acknowledged since start. */
    synchronized long acknowledgedCount() {
        return acknowledged;
    }

    /** Messages waiting in line for their own or an earlier message's handling. */
    synchronized int waiting() {
        return line.size();
    }

    private void complete(Slot slot, Throwable failure) {
        boolean failed = false;
        synchronized (this) {
            if (slot.generation != generation) {
                return;
            }
            slot.done = true;
            slot.failure = failure;
            while (!line.isEmpty() && line.peek().done) {
                Slot head = line.poll();
                if (head.failure != null) {
                    // Neither this nor anything behind it: the reconnect brings them all again.
                    generation++;
                    line.clear();
                    failed = true;
                    break;
                }
                if (head.qos > 0) {
                    try {
                        acknowledger.acknowledge(head.packetId, head.qos);
                        acknowledged++;
                    } catch (Exception e) {
                        // The connection is going; the message comes again on the next one.
                        generation++;
                        line.clear();
                        failed = true;
                        break;
                    }
                }
            }
            notifyAll();
        }
        if (failed) {
            onFailure.run();
        }
    }
}
