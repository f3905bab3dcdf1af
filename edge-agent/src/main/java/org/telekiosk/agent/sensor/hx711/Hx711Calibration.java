package org.telekiosk.agent.sensor.hx711;

import java.util.Objects;

/**
 * How raw HX711 values become kilograms: {@code kg = (raw - offset) / countsPerKg}, at one gain. The offset comes from
 * {@linkplain Hx711Scale#tare() taring} the empty scale, the factor from {@linkplain Hx711Scale#calibrate(double)
 * calibrating} with a known weight; {@link CalibrationFile} keeps both across restarts.
 *
 * @param gain        the channel and gain the values were taken at (channel A)
 * @param offset      the raw value of the empty scale, in counts
 * @param countsPerKg the scale factor, in counts per kilogram; negative if the cell is mounted the other way round
 */
public record Hx711Calibration(Gain gain, double offset, double countsPerKg) {

    public Hx711Calibration {
        Objects.requireNonNull(gain, "gain");
        if (!gain.channelA()) {
            throw new IllegalArgumentException("a scale is calibrated on channel A (gain 128 or 64), not " + gain);
        }
        if (!Double.isFinite(offset) || Math.abs(offset) > 0x800000) {
            throw new IllegalArgumentException("offset must be a 24-bit value, was " + offset);
        }
        if (!Double.isFinite(countsPerKg) || countsPerKg == 0) {
            throw new IllegalArgumentException("counts per kg must be finite and not 0, was " + countsPerKg);
        }
    }

    /** {@code raw} in kilograms. */
    public double kilograms(double raw) {
        return (raw - offset) / countsPerKg;
    }

    /** The same factor with a new zero. */
    public Hx711Calibration withOffset(double newOffset) {
        return new Hx711Calibration(gain, newOffset, countsPerKg);
    }

    /** The same zero with a new factor. */
    public Hx711Calibration withCountsPerKg(double newCountsPerKg) {
        return new Hx711Calibration(gain, offset, newCountsPerKg);
    }
}
