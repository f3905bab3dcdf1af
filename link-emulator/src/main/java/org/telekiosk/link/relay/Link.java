package org.telekiosk.link.relay;

import java.util.Objects;
import org.telekiosk.link.profile.Direction;
import org.telekiosk.link.profile.DirectionProfile;
import org.telekiosk.link.profile.LinkSchedule;

/**
 * The link every relay of one kiosk shares: the schedule in force and when it began. A test or a person switches it
 * ({@link #switchTo}) and every relay follows at once; times are {@link Ticker} nanoseconds.
 */
public final class Link {
    private record State(LinkSchedule schedule, long originNanos, long generation) {}

    private final Ticker ticker;
    private final Object monitor = new Object();
    private volatile State state;

    public Link(LinkSchedule schedule, Ticker ticker) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.state = new State(Objects.requireNonNull(schedule, "schedule"), ticker.nanos(), 0);
    }

    public Ticker ticker() {
        return ticker;
    }

    /** From now on, {@code schedule}, from its beginning. Wakes everything that waits on the link. */
    public void switchTo(LinkSchedule schedule) {
        synchronized (monitor) {
            state = new State(Objects.requireNonNull(schedule, "schedule"), ticker.nanos(), state.generation() + 1);
            monitor.notifyAll();
        }
    }

    public LinkSchedule schedule() {
        return state.schedule();
    }

    /** The schedule's time at {@code atNanos}: nanoseconds since it began. */
    public long scheduleTime(long atNanos) {
        return Math.max(0, atNanos - state.originNanos());
    }

    /** What {@code direction} does at {@code atNanos}. */
    public DirectionProfile at(long atNanos, Direction direction) {
        State s = state;
        return direction.of(s.schedule().at(Math.max(0, atNanos - s.originNanos())));
    }

    /**
     * The first instant at or after {@code atNanos} at which {@code direction} lets packets through under the
     * schedule in force, or {@link LinkSchedule#FOREVER} if it never will (until someone switches the link).
     */
    public long nextOpen(long atNanos, Direction direction) {
        State s = state;
        long open = s.schedule().nextOpen(Math.max(0, atNanos - s.originNanos()), direction);
        return open == LinkSchedule.FOREVER ? LinkSchedule.FOREVER : Math.max(atNanos, s.originNanos() + open);
    }

    /** Counts the switches; a waiter compares it to see whether the link changed. */
    public long generation() {
        return state.generation();
    }

    /**
     * Waits until the ticker reaches {@code dueNanos} or the link is switched away from {@code generation}, whichever
     * comes first. For the relays' own threads (real time), never for an event loop.
     */
    public void awaitUntil(long dueNanos, long generation) throws InterruptedException {
        synchronized (monitor) {
            while (state.generation() == generation) {
                long wait = dueNanos - ticker.nanos();
                if (wait <= 0) {
                    return;
                }
                long millis = wait / 1_000_000;
                int nanos = (int) (wait % 1_000_000);
                monitor.wait(millis, nanos);
            }
        }
    }
}
