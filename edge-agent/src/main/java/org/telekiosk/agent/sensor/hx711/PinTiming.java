package org.telekiosk.agent.sensor.hx711;

/**
 * The one source of time of the HX711 driver: the pulse widths of the datasheet's Table 4 (T1-T4), the 60 µs of
 * power-down, and the pauses between readiness polls all go through it, and it measures how long PD_SCK was actually
 * held high. On a Pi it is {@link #busyWaiting()}; in simulation it is the simulated chip's own clock, which advances
 * by exactly what is asked and takes no real time.
 */
public interface PinTiming {

    /** A monotonic time in nanoseconds, for measuring intervals only. */
    long nanoTime();

    /**
     * Waits at least {@code nanos} nanoseconds.
     *
     * @throws IllegalArgumentException if {@code nanos} is negative
     */
    void pause(long nanos);

    /** The real timing: {@code System.nanoTime()}, busy-waiting for pulse widths; see {@link BusyWaitPinTiming}. */
    static PinTiming busyWaiting() {
        return new BusyWaitPinTiming();
    }
}
