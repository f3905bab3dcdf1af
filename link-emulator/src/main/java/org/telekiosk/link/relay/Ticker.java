package org.telekiosk.link.relay;

/** A monotonic source of nanoseconds; tests use a movable one. */
@FunctionalInterface
public interface Ticker {
    Ticker SYSTEM = System::nanoTime;

    long nanos();
}
