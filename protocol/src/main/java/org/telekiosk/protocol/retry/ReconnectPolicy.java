package org.telekiosk.protocol.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015), with a
 * floor: after {@code n} consecutive failures the delay is drawn uniformly from {@code [min, ceiling(n)]}, where
 * {@code ceiling(n) = min(max, min * 2^(n+1))}. The floor keeps a refused kiosk from hammering the broker; the
 * jitter spreads a fleet that lost the broker at the same moment. Paho's own reconnect is not used: its delays live
 * in a static field shared by every client in the JVM and its min/max setters are ignored.
 *
 * <p>Transport-free, so that every MQTT client of the project reconnects by the same rule: the edge agent's uplink
 * uses it, and so does the broker's own ({@code BrokerMqttClient}). Thread-safe if its {@link RandomGenerator} is.
 */
public final class ReconnectPolicy {
    private final long minMillis;
    private final long maxMillis;
    private final RandomGenerator random;

    public ReconnectPolicy(Duration min, Duration max, RandomGenerator random) {
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        this.random = Objects.requireNonNull(random, "random");
        if (min.toMillis() < 1) {
            throw new IllegalArgumentException("min must be at least 1 ms, was " + min);
        }
        if (max.compareTo(min) < 0) {
            throw new IllegalArgumentException("max (" + max + ") must not be less than min (" + min + ")");
        }
        this.minMillis = min.toMillis();
        this.maxMillis = max.toMillis();
    }

    /** The delay before the next attempt after {@code failures} consecutive failures (0 after a lost connection). */
    public Duration delayAfter(int failures) {
        if (failures < 0) {
            throw new IllegalArgumentException("failures must not be negative, was " + failures);
        }
        long ceiling = ceilingMillis(failures);
        long jitter = ceiling == minMillis ? 0 : random.nextLong(ceiling - minMillis + 1);
        return Duration.ofMillis(minMillis + jitter);
    }

    /** {@code min(max, min * 2^(failures+1))}, without overflow. */
    long ceilingMillis(int failures) {
        long ceiling = minMillis;
        for (int i = 0; i <= failures && ceiling < maxMillis; i++) {
            ceiling = ceiling > maxMillis / 2 ? maxMillis : ceiling * 2;
        }
        return Math.min(ceiling, maxMillis);
    }

    @Override
    public String toString() {
        return "ReconnectPolicy[min=" + minMillis + " ms, max=" + maxMillis + " ms, full jitter]";
    }
}
