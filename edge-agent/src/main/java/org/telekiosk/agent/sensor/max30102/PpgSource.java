package org.telekiosk.agent.sensor.max30102;

/**
 * What a simulated MAX30102's photodiode sees: for each LED, the photocurrent per milliampere of LED drive at a
 * moment. The chip multiplies by its programmed LED currents and converts the result with its ADC, so a source is
 * independent of the chip's configuration, as a finger is.
 */
@FunctionalInterface
public interface PpgSource {

    /** Photocurrent per mA of LED current, in nA/mA, for the red and the infrared LED. */
    record Transfer(double redNanoampsPerMilliamp, double irNanoampsPerMilliamp) {}

    /**
     * The transfer at {@code seconds} since the chip was powered. Called with non-decreasing times, once per ADC
     * conversion.
     */
    Transfer at(double seconds);

    /** A source that never changes: known photocurrents, hence known ADC counts. */
    static PpgSource constant(double redNanoampsPerMilliamp, double irNanoampsPerMilliamp) {
        Transfer transfer = new Transfer(redNanoampsPerMilliamp, irNanoampsPerMilliamp);
        return _ -> transfer;
    }
}
