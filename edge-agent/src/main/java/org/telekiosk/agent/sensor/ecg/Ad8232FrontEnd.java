package org.telekiosk.agent.sensor.ecg;

/**
 * How an AD8232 board maps the electrode voltage to its output: {@code OUT = REF + gain × V_electrodes}.
 *
 * @param gain           total gain: the instrumentation amplifier's fixed 100 (AD8232 datasheet, "Theory of
 *                       Operation") times the output amplifier's, set by the board's resistors
 * @param referenceVolts REFOUT, the virtual ground the output swings around, usually half the supply
 * @param supplyVolts    the board's supply; the output cannot leave 0..supply
 */
public record Ad8232FrontEnd(double gain, double referenceVolts, double supplyVolts) {

    /** The AD8232 datasheet's heart-rate-monitor circuit as common boards build it: gain 1100, 3.3 V, REF 1.65 V. */
    public static final Ad8232FrontEnd TYPICAL = new Ad8232FrontEnd(1100, 1.65, 3.3);

    /** Output closer than this to a rail means the amplifier is saturated, not measuring. */
    public static final double RAIL_MARGIN_VOLTS = 0.05;

    public Ad8232FrontEnd {
        if (!(gain > 0) || !(supplyVolts > 0) || !(referenceVolts > 0 && referenceVolts < supplyVolts)) {
            throw new IllegalArgumentException("an AD8232 front end needs gain > 0 and 0 < reference < supply, was "
                    + gain + ", " + referenceVolts + ", " + supplyVolts);
        }
    }

    /** The electrode voltage in mV for an output voltage in mV. */
    public double electrodeMillivolts(double outputMillivolts) {
        return (outputMillivolts - referenceVolts * 1000) / gain;
    }

    /** Whether an output in mV is at a rail, where the front end is saturated (lead off, overload). */
    public boolean atRail(double outputMillivolts) {
        double volts = outputMillivolts / 1000;
        return volts < RAIL_MARGIN_VOLTS || volts > supplyVolts - RAIL_MARGIN_VOLTS;
    }
}
