package org.telekiosk.link.relay;

import java.time.Duration;

/** A ticker that moves only when told. */
final class FakeTicker implements Ticker {
    private long now = 1_000_000_000L;

    @Override
    public synchronized long nanos() {
        return now;
    }

    synchronized void advance(Duration by) {
        now += by.toNanos();
    }
}
