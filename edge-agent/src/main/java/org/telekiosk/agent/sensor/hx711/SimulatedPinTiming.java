package org.telekiosk.agent.sensor.hx711;

/**
 * Simulated time for a simulated HX711: it stands still until the driver pauses or the test lets time pass, and a
 * pause takes no real time. The simulated chip reads it to know how long PD_SCK has been high and when a conversion
 * is done.
 */
final class SimulatedPinTiming implements PinTiming {

    private long now;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized void pause(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("pause must not be negative, was " + nanos + " ns");
        }
        now += nanos;
    }
}
