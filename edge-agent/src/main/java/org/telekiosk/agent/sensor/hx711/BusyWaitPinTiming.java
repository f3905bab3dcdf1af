package org.telekiosk.agent.sensor.hx711;

import java.util.concurrent.locks.LockSupport;

/**
 * {@link PinTiming} on {@code System.nanoTime()}. Pauses of microseconds (the pulse widths) are busy-waits: parking a
 * thread cannot wake it within the 50 µs that PD_SCK may stay high (datasheet Table 4, T3 max). Pauses of a
 * millisecond or more (between readiness polls) park for all but the last 100 µs and spin the rest, so waiting for a
 * 10 SPS conversion does not keep a core busy.
 */
final class BusyWaitPinTiming implements PinTiming {

    private static final long PARK_THRESHOLD_NANOS = 1_000_000;
    private static final long SPIN_TAIL_NANOS = 100_000;

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void pause(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("pause must not be negative, was " + nanos + " ns");
        }
        long deadline = System.nanoTime() + nanos;
        if (nanos >= PARK_THRESHOLD_NANOS) {
            long remaining;
            while ((remaining = deadline - System.nanoTime()) > SPIN_TAIL_NANOS) {
                LockSupport.parkNanos(remaining - SPIN_TAIL_NANOS);
            }
        }
        while (deadline - System.nanoTime() > 0) {
            Thread.onSpinWait();
        }
    }
}
