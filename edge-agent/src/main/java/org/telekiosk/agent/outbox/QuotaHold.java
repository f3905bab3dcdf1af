package org.telekiosk.agent.outbox;

/**
 * After a PUBACK 0x97 "quota exceeded" the {@link OutboxSender} sends no reading for {@code outbox.retry-delay}, so
 * that the kiosk's quota at the broker refills: this is that pause, on the sender's monotonic clock. Not thread-safe:
 * the sender's thread only.
 */
final class QuotaHold {
    private final long delayNanos;
    /** No reading is sent before this nanoTime (0: not held). */
    private long heldUntil;

    QuotaHold(long delayNanos) {
        this.delayNanos = delayNanos;
    }

    /** A PUBACK 0x97 at {@code now}: holds readings for the delay unless held already; true if a new hold began. */
    boolean hold(long now) {
        if (heldUntil != 0) {
            return false;
        }
        heldUntil = now + delayNanos;
        if (heldUntil == 0) {
            heldUntil = 1;
        }
        return true;
    }

    /** How many nanoseconds readings are still held at {@code now}; 0 when not held (a hold over ends here). */
    long remaining(long now) {
        if (heldUntil == 0) {
            return 0;
        }
        long left = heldUntil - now;
        if (left > 0) {
            return left;
        }
        heldUntil = 0;
        return 0;
    }
}
