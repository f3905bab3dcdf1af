package org.telekiosk.agent.outbox;

/**
 * How fast the {@link OutboxSender} drains its backlog ({@code outbox.drain-rate}): a token bucket of one tenth of a
 * second's worth, refilled by the sender's monotonic clock. Live readings take no token. Not thread-safe: the sender's
 * thread only.
 */
final class DrainPacing {
    private final double tokensPerNano;
    private final double burst;
    private double tokens;
    private long tokensAt;

    /** @param ratePerSecond backlog readings a second; {@code now} the clock's reading at start */
    DrainPacing(double ratePerSecond, long now) {
        this.tokensPerNano = ratePerSecond / 1e9;
        this.burst = Math.max(1, ratePerSecond / 10.0);
        this.tokens = burst;
        this.tokensAt = now;
    }

    /** Refills for the time since the last call; whether a backlog reading may go now. */
    boolean hasToken(long now) {
        tokens = Math.min(burst, tokens + (now - tokensAt) * tokensPerNano);
        tokensAt = now;
        return tokens >= 1;
    }

    /** How long until the next token, from the last {@link #hasToken} (nanoseconds, rounded up). */
    long nanosUntilToken() {
        return (long) Math.ceil((1 - tokens) / tokensPerNano);
    }

    /** A backlog reading went. */
    void take() {
        tokens -= 1;
    }
}
