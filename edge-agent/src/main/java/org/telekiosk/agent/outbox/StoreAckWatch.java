package org.telekiosk.agent.outbox;

import java.util.OptionalLong;
import java.util.TreeMap;
import org.telekiosk.protocol.downlink.StoreAck;

/**
 * The {@link OutboxSender}'s record of the second acknowledgement: the highest number the broker's store acknowledged
 * ({@link StoreAck}), when it last moved, and the readings PUBACKed but not yet covered by it. It tells the sender when
 * the store acknowledgement has stood still for {@code outbox.store-ack-timeout} while a reading PUBACKed at least
 * that long ago is not covered: the MQTT broker lost it (or the store refused it). A backlog that is still draining
 * keeps the acknowledgement moving, so it does not count. The sender's thread only, except {@link #storedThrough()}.
 */
final class StoreAckWatch {
    private final long timeoutNanos;
    /** Readings PUBACKed and not yet covered by the store acknowledgement: seq to when PUBACKed (nanoTime). */
    private final TreeMap<Long, Long> sent = new TreeMap<>();
    private volatile long storedThrough;
    private long movedAt;

    /** @param now the sender's monotonic clock at start */
    StoreAckWatch(long timeoutNanos, long now) {
        this.timeoutNanos = timeoutNanos;
        this.movedAt = now;
    }

    /** The highest store acknowledgement received since start (0: none yet). Any thread. */
    long storedThrough() {
        return storedThrough;
    }

    /** How often to {@link #stalled check}: a quarter of the timeout, within 1 ms to 250 ms. */
    long checkPeriodNanos() {
        return Math.max(1_000_000, Math.min(timeoutNanos / 4, 250_000_000));
    }

    /** Whether {@code ack} is newer than every one before (late, repeated and older ones are ignored). */
    boolean isNewer(StoreAck ack) {
        return ack.storedThrough() > storedThrough;
    }

    /** The store acknowledged everything through {@code through} at {@code now}. */
    void moved(long through, long now) {
        storedThrough = through;
        movedAt = now;
        sent.headMap(through, true).clear();
    }

    /** The MQTT broker acknowledged reading {@code seq} at {@code now}. */
    void pubacked(long seq, long now) {
        if (seq > storedThrough) {
            sent.put(seq, now);
        }
    }

    /** Everything goes again: what is PUBACKed on the new connection is marked anew. */
    void forgetSent() {
        sent.clear();
    }

    /**
     * The first reading PUBACKed and not covered, if the store acknowledgement stood still for the timeout and that
     * reading was PUBACKed at least the timeout ago; the timeout then starts again from {@code now}.
     */
    OptionalLong stalled(long now) {
        if (sent.isEmpty()) {
            return OptionalLong.empty();
        }
        if (now - movedAt >= timeoutNanos && now - sent.firstEntry().getValue() >= timeoutNanos) {
            movedAt = now;
            return OptionalLong.of(sent.firstKey());
        }
        return OptionalLong.empty();
    }
}
