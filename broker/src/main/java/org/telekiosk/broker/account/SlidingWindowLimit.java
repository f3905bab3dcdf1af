package org.telekiosk.broker.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;

/**
 * At most {@code maxEvents} events in any {@code window}, in the injected clock's time: a global cap on guessing that
 * no number of client addresses can get around. Exact (it remembers the last {@code maxEvents} instants). Thread-safe.
 */
public final class SlidingWindowLimit {
    private final Clock clock;
    private final int maxEvents;
    private final Duration window;
    private final ArrayDeque<Instant> events = new ArrayDeque<>();

    public SlidingWindowLimit(Clock clock, int maxEvents, Duration window) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.window = Objects.requireNonNull(window, "window");
        if (maxEvents < 1 || maxEvents > 1_000_000) {
            throw new IllegalArgumentException("maxEvents must be in [1, 1000000], was " + maxEvents);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, was " + window);
        }
        this.maxEvents = maxEvents;
    }

    /** How long until another event fits in the window, or empty if one fits now. */
    public synchronized Optional<Duration> retryAfter() {
        Instant now = clock.instant();
        forgetBefore(now.minus(window));
        if (events.size() < maxEvents) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(now, events.peekFirst().plus(window)));
    }

    /** Counts one event now. */
    public synchronized void record() {
        Instant now = clock.instant();
        forgetBefore(now.minus(window));
        events.addLast(now);
        while (events.size() > maxEvents) {
            events.removeFirst();
        }
    }

    private void forgetBefore(Instant cutoff) {
        while (!events.isEmpty() && !events.peekFirst().isAfter(cutoff)) {
            events.removeFirst();
        }
    }
}
