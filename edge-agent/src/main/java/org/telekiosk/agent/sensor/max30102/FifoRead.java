package org.telekiosk.agent.sensor.max30102;

import java.util.List;

/**
 * What one read of the FIFO gave: the samples, oldest first, and how many samples the chip had to drop before them
 * because the FIFO was full (OVF_COUNTER, datasheet "FIFO"; it saturates at 31, so 31 means "31 or more"). A non-zero
 * {@code lost} means the samples do not continue the previous read's: a waveform or a beat interval must not be
 * drawn across the gap.
 */
public record FifoRead(List<PpgSample> samples, int lost) {
    public FifoRead {
        samples = List.copyOf(samples);
    }

    /** Whether samples were dropped before these. */
    public boolean hasGap() {
        return lost > 0;
    }
}
