package org.telekiosk.agent.sensor.max30102;

import java.util.List;

/**
 * New pleth waveform samples from one {@link PulseOximeter#poll()}: red and IR counts at {@code sampleRateHz}, oldest
 * first. {@code continuesPrevious} is false after a gap (FIFO overflow, a fault, a re-initialisation): a viewer must
 * not join this batch to the one before.
 */
public record PlethBatch(double sampleRateHz, List<PpgSample> samples, boolean continuesPrevious) {
    public PlethBatch {
        samples = List.copyOf(samples);
    }
}
