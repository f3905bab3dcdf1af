package org.telekiosk.agent.sensor.ecg;

import java.util.Objects;
import org.telekiosk.agent.sensor.simulation.GpioDeviceModel;

/**
 * The LO+ and LO- outputs of a {@link SimulatedAd8232}, wired to two GPIO lines of the simulated Pi, so that the
 * agent reads them through {@link Ad8232LeadOffPins} and Pi4J as on a kiosk. The AD8232 drives both push-pull: high
 * when the electrode at that input is off (AD8232 datasheet, "Lead-Off Detection"). Thread-safe.
 */
public final class SimulatedLeadOffLines implements GpioDeviceModel {
    private final SimulatedAd8232 frontEnd;
    private final int positiveBcm;
    private final int negativeBcm;

    /** @param positiveBcm the line LO+ is wired to, @param negativeBcm the line LO- is wired to */
    public SimulatedLeadOffLines(SimulatedAd8232 frontEnd, int positiveBcm, int negativeBcm) {
        this.frontEnd = Objects.requireNonNull(frontEnd, "frontEnd");
        this.positiveBcm = positiveBcm;
        this.negativeBcm = negativeBcm;
    }

    @Override
    public void lineDriven(int bcm, boolean high) {
        // LO+ and LO- are outputs of the AD8232; the Pi drives neither.
    }

    @Override
    public Drive lineLevel(int bcm) {
        LeadStatus leads = frontEnd.status();
        if (bcm == positiveBcm) {
            return leads.positiveOff() ? Drive.HIGH : Drive.LOW;
        }
        if (bcm == negativeBcm) {
            return leads.negativeOff() ? Drive.HIGH : Drive.LOW;
        }
        return Drive.RELEASED;
    }

    @Override
    public String toString() {
        return "AD8232 LO+ on GPIO " + positiveBcm + ", LO- on GPIO " + negativeBcm;
    }
}
