package org.telekiosk.agent.sensor.ads1115;

/** The voltages at a simulated ADS1115's four inputs, against GND, as functions of simulated time. */
@FunctionalInterface
public interface AnalogInputs {

    /**
     * The voltage at AIN{@code channel} (0..3) at {@code seconds} since the chip was powered, in volts. Called with
     * non-decreasing times, once per conversion and channel converted.
     */
    double volts(int channel, double seconds);

    /** Every input held at a fixed voltage. */
    static AnalogInputs constant(double ain0, double ain1, double ain2, double ain3) {
        double[] volts = {ain0, ain1, ain2, ain3};
        return (channel, _) -> volts[channel];
    }
}
