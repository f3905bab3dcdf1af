package org.telekiosk.broker.signaling;

import java.time.Clock;

/** A token bucket per connection: {@code burst} messages at once, refilled at {@code perSecond}. Not thread-safe. */
final class RateLimit {
    private final Clock clock;
    private final double perNano;
    private final double burst;
    private double tokens;
    private long lastNanos;

    RateLimit(Clock clock, int perSecond, int burst) {
        this.clock = clock;
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = nanos();
    }

    /** Takes one message's token; false when the connection is over its rate. */
    boolean tryAcquire() {
        long now = nanos();
        tokens = Math.min(burst, tokens + Math.max(0, now - lastNanos) * perNano);
        lastNanos = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    private long nanos() {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
