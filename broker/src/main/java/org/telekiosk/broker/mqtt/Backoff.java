package org.telekiosk.broker.mqtt;

import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter for the broker's MQTT client: the n-th failure in a row waits a random time between
 * half the minimum and {@code min · 2^(n-1)}, capped at the maximum. Not thread-safe: one caller at a time.
 */
final class Backoff {
    private final long minMillis;
    private final long maxMillis;
    private final RandomGenerator random;
    private int failures;

    Backoff(long minMillis, long maxMillis, RandomGenerator random) {
        if (minMillis < 2 || maxMillis < minMillis) {
            throw new IllegalArgumentException("backoff needs 2 <= min <= max, got " + minMillis + ", " + maxMillis);
        }
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
        this.random = random;
    }

    /** One more failure: how long to wait before the next attempt, in milliseconds. */
    synchronized long next() {
        failures = Math.min(failures + 1, 20);
        long ceiling = Math.min(maxMillis, minMillis << Math.min(failures - 1, 16));
        return minMillis / 2 + (long) (random.nextDouble() * (ceiling - minMillis / 2));
    }

    /** A success: the next failure waits the shortest time again. */
    synchronized void reset() {
        failures = 0;
    }
}
