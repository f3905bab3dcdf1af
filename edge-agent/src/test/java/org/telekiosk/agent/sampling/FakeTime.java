package org.telekiosk.agent.sampling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A monotonic clock the test moves by hand, and a wall clock fixed at {@link #WALL_START}. */
final class FakeTime {
    static final Instant WALL_START = Instant.parse("2026-11-22T10:00:00Z");

    private final AtomicLong nanos = new AtomicLong(123_456_789_000L);

    long nanoTime() {
        return nanos.get();
    }

    void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    Timeline timeline() {
        return Timeline.start(Clock.fixed(WALL_START, ZoneOffset.UTC), this::nanoTime);
    }
}
