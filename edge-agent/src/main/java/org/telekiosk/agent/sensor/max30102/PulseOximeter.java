package org.telekiosk.agent.sensor.max30102;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.SensorException.Kind;

/**
 * A MAX30102 as the sampler uses it: {@link #poll()} drains the FIFO into a sliding window and returns the new pleth
 * samples; {@link #result()} analyses the window with {@link PulseOximetry}.
 *
 * <p>Faults. A failed poll throws the driver's {@link SensorException} and marks the chip for re-initialisation: the
 * next poll resets and configures it again before reading, so a sensor unplugged and plugged back in (which powers up
 * with its registers at reset) recovers without a new driver. A poll that finds the FIFO empty checks that the chip
 * is still in SpO2 mode, so that a reset without a bus error (a brown-out) is found too, as a
 * {@link Kind#DEVICE_ERROR}, and recovered from in the same way. Any gap (a fault, FIFO overflow) empties the window, so
 * that no beat interval or ratio is computed across it.
 *
 * <p>Not thread-safe: one sampler thread polls it.
 */
public final class PulseOximeter {

    private final Max30102 chip;
    private final Max30102Config config;
    private final PulseOximetry oximetry;
    private final int capacity;
    private final Deque<PpgSample> window = new ArrayDeque<>();
    private boolean initialised;

    /**
     * @param window how much signal {@link #result()} analyses; at least {@link PulseOximetry#MIN_WINDOW_SECONDS}
     */
    public PulseOximeter(Max30102 chip, Max30102Config config, Duration window) {
        this.chip = Objects.requireNonNull(chip, "chip");
        this.config = Objects.requireNonNull(config, "config");
        if (window.toMillis() < PulseOximetry.MIN_WINDOW_SECONDS * 1000) {
            throw new IllegalArgumentException("window must be at least " + PulseOximetry.MIN_WINDOW_SECONDS
                    + " s, was " + window);
        }
        this.oximetry = new PulseOximetry(config.outputRateHz());
        this.capacity = (int) Math.round(window.toMillis() / 1000.0 * config.outputRateHz());
    }

    /**
     * Initialises the chip if needed and takes the samples waiting in its FIFO.
     *
     * @throws SensorException as the driver reports it; the next poll starts afresh
     */
    public PlethBatch poll() throws SensorException {
        try {
            boolean continues = initialised;
            if (!initialised) {
                window.clear();
                chip.initialise(config);
                initialised = true;
            }
            FifoRead read = chip.readFifo();
            if (read.samples().isEmpty() && continues && !chip.isInSpo2Mode()) {
                throw new SensorException(Kind.DEVICE_ERROR,
                        "the MAX30102 left SpO2 mode (a reset or power loss): it is configured again");
            }
            if (read.hasGap()) {
                window.clear();
                continues = false;
            }
            for (PpgSample sample : read.samples()) {
                if (window.size() == capacity) {
                    window.removeFirst();
                }
                window.addLast(sample);
            }
            return new PlethBatch(config.outputRateHz(), read.samples(), continues);
        } catch (SensorException e) {
            initialised = false;
            window.clear();
            throw e;
        }
    }

    /** SpO2 and pulse over the window, or why not (also while the window is still filling). */
    public OximetryResult result() {
        return oximetry.analyse(List.copyOf(window));
    }

    /** The samples in the window, oldest first. */
    public List<PpgSample> window() {
        return new ArrayList<>(window);
    }
}
