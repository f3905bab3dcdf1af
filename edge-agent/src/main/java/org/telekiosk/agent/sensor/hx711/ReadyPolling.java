package org.telekiosk.agent.sensor.hx711;

import java.time.Duration;

/**
 * How the driver waits for DOUT to go low ("data ready", datasheet "Serial Interface"): at most {@code attempts} polls,
 * {@code interval} apart. The budget must cover the output settling time after a reset or a gain change (datasheet
 * "Output Data Rate and Format": 400 ms at 10 SPS, 50 ms at 80 SPS).
 *
 * @param interval pause between two polls of DOUT, at least 1 µs
 * @param attempts how many times DOUT is polled before the chip is declared not ready, 1..100000
 */
public record ReadyPolling(Duration interval, int attempts) {

    /** For RATE = 0 (10 SPS): every 10 ms for up to 600 ms, beyond the 400 ms settling time. */
    public static final ReadyPolling TEN_SPS = new ReadyPolling(Duration.ofMillis(10), 60);

    public ReadyPolling {
        if (interval == null || interval.compareTo(Duration.ofNanos(1_000)) < 0) {
            throw new IllegalArgumentException("HX711 ready-poll interval must be at least 1 µs, was " + interval);
        }
        if (attempts < 1 || attempts > 100_000) {
            throw new IllegalArgumentException("HX711 ready-poll attempts must be 1..100000, was " + attempts);
        }
    }

    /** The longest the driver waits for one conversion. */
    public Duration budget() {
        return interval.multipliedBy(attempts);
    }
}
