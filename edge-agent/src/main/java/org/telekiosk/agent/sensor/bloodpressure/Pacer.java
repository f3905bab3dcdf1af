package org.telekiosk.agent.sensor.bloodpressure;

import java.time.Duration;

/**
 * Paces the status polls of a measurement. The driver never sleeps itself: on a kiosk this port sleeps (the measuring
 * thread is a virtual thread or a sampler thread), in simulation it advances the simulated monitor by one tick, so a
 * simulated measurement of a minute runs in microseconds.
 */
@FunctionalInterface
public interface Pacer {

    /** Lets {@code interval} pass before the next poll. */
    void pause(Duration interval) throws InterruptedException;

    /** The real pacer: sleeps the calling thread. */
    static Pacer sleeping() {
        return Thread::sleep;
    }
}
