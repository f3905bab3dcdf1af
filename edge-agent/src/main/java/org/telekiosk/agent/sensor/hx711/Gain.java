package org.telekiosk.agent.sensor.hx711;

/**
 * Input channel and gain of the HX711's next conversion, selected by the number of PD_SCK pulses of the read before
 * (datasheet Table 3). After power-on, a reset or a power-down, the chip converts channel A at gain 128 ("Reset and
 * Power-Down").
 */
public enum Gain {
    /** Channel A, gain 128: ±20 mV full scale at AVDD = 5 V ("Analog Inputs"). 25 pulses. */
    A_128(25, 128),
    /** Channel B, fixed gain 32: ±80 mV full scale at AVDD = 5 V. 26 pulses. */
    B_32(26, 32),
    /** Channel A, gain 64: ±40 mV full scale at AVDD = 5 V. 27 pulses. */
    A_64(27, 64);

    private final int pulses;
    private final int factor;

    Gain(int pulses, int factor) {
        this.pulses = pulses;
        this.factor = factor;
    }

    /** PD_SCK pulses of a read that select this gain for the next conversion: 24 data bits plus 1, 2 or 3. */
    public int pulses() {
        return pulses;
    }

    /** The amplifier's gain. */
    public int factor() {
        return factor;
    }

    /** Whether this gain amplifies channel A (the load cell) rather than channel B. */
    public boolean channelA() {
        return this != B_32;
    }

    /** The gain that {@code pulses} pulses select, or empty outside 25..27 (a serial communication error). */
    static java.util.Optional<Gain> selectedBy(int pulses) {
        for (Gain gain : values()) {
            if (gain.pulses == pulses) {
                return java.util.Optional.of(gain);
            }
        }
        return java.util.Optional.empty();
    }
}
