package org.telekiosk.agent.sensor.hx711;

/**
 * A load-cell bridge as the simulated HX711 sees it on channel A, in ADC counts at gain 128 (at gain 64 every figure
 * halves: the chip's full scale doubles, datasheet "Analog Inputs"). The bridge is ratiometric, so the excitation
 * voltage cancels: a sensitivity of S mV/V at capacity C kg gives S/1000 / C * 128 / 0.5 * 2^23 counts per kg
 * (full scale is ±0.5 AVDD / gain, datasheet "Key Electrical Characteristics").
 *
 * @param offsetCounts       the bridge's output with nothing on it (its zero imbalance), in counts
 * @param countsPerKg        sensitivity in counts per kilogram
 * @param capacityKg         rated capacity; the non-linearity bow is spread over 0..capacity
 * @param nonlinearity       the largest deviation from the straight line, as a fraction of capacity (a parabolic
 *                           bow, largest at half capacity), e.g. 0.0002 for 0.02 % of full scale
 * @param noiseCounts        standard deviation of the Gaussian noise of one conversion, in counts
 * @param seed               seed of the noise, so that a simulation repeats exactly
 */
public record LoadCell(double offsetCounts, double countsPerKg, double capacityKg, double nonlinearity,
        double noiseCounts, long seed) {

    /**
     * A bathroom-scale platform of four half-bridge cells rated 200 kg at 1 mV/V: 10,737 counts per kg, a zero
     * imbalance of 0.05 mV/V, 0.02 % of full scale non-linearity, 40 counts of noise at 10 SPS.
     */
    public static LoadCell platform200Kg(long seed) {
        double countsPerMvPerV = 256 * 8_388_608 / 1000.0;
        return new LoadCell(0.05 * countsPerMvPerV, countsPerMvPerV / 200, 200, 0.0002, 40, seed);
    }

    public LoadCell {
        if (!Double.isFinite(offsetCounts) || !Double.isFinite(countsPerKg) || countsPerKg == 0) {
            throw new IllegalArgumentException("load cell offset and sensitivity must be finite, sensitivity not 0");
        }
        if (!(capacityKg > 0) || !(nonlinearity >= 0) || !(noiseCounts >= 0)) {
            throw new IllegalArgumentException("load cell capacity must be > 0, non-linearity and noise >= 0");
        }
    }

    /** The noise-free output for {@code kg} on the cell, in counts at gain 128. */
    public double countsAt(double kg) {
        double x = kg / capacityKg;
        double bow = 4 * nonlinearity * capacityKg * x * (1 - x);
        return offsetCounts + countsPerKg * (kg + bow);
    }
}
