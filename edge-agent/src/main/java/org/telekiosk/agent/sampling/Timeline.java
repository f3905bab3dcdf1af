package org.telekiosk.agent.sampling;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Sample times from a monotonic clock ({@code System.nanoTime()} on a kiosk), mapped to wall time once, at start. A
 * wall clock may jump (NTP stepping it after a kiosk boots without network); samples stamped from it would go
 * backwards or leave gaps, and the start times of consecutive waveform batches would not line up. Mapped once, every
 * time the agent stamps keeps the monotonic clock's spacing.
 */
public final class Timeline {
    private final LongSupplier nanoTime;
    private final long originNanos;
    private final Instant originWall;

    private Timeline(LongSupplier nanoTime, long originNanos, Instant originWall) {
        this.nanoTime = nanoTime;
        this.originNanos = originNanos;
        this.originWall = originWall;
    }

    /** Reads {@code clock} and {@code nanoTime} once, now, and maps the one onto the other from then on. */
    public static Timeline start(Clock clock, LongSupplier nanoTime) {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(nanoTime, "nanoTime");
        return new Timeline(nanoTime, nanoTime.getAsLong(), clock.instant());
    }

    /** The monotonic clock's reading, in nanoseconds; only differences mean anything. */
    public long nanoTime() {
        return nanoTime.getAsLong();
    }

    /** The wall time of the monotonic reading {@code nanos}. */
    public Instant at(long nanos) {
        return originWall.plusNanos(nanos - originNanos);
    }

    /** The wall time now, on the monotonic clock. */
    public Instant now() {
        return at(nanoTime());
    }
}
