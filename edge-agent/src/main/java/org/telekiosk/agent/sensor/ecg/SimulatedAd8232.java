package org.telekiosk.agent.sensor.ecg;

import java.util.Objects;
import org.telekiosk.agent.sensor.ads1115.AnalogInputs;

/**
 * A simulated AD8232 board with electrodes on a patient: its OUT pin, wired to a simulated ADS1115's AIN0, and its
 * LO+ / LO- outputs.
 *
 * <p>OUT is {@code REF + gain × ECG}, clipped to the supply. With an electrode off, DC lead-off detection pulls that
 * input towards a rail (AD8232 datasheet, "Lead-Off Detection"), so OUT saturates at the supply and the matching LO
 * output goes high. The other ADC inputs read 0 V.
 *
 * <p>It also answers as a {@link LeadOffDetector} itself: until the simulation layer has GPIO providers, this stands
 * in for LO+ / LO- read through {@link Ad8232LeadOffPins}. Thread-safe.
 */
public final class SimulatedAd8232 implements AnalogInputs, LeadOffDetector {

    private final Ad8232FrontEnd frontEnd;
    private final SyntheticEcg ecg;
    private LeadStatus leads = LeadStatus.ATTACHED;

    public SimulatedAd8232(Ad8232FrontEnd frontEnd, SyntheticEcg ecg) {
        this.frontEnd = Objects.requireNonNull(frontEnd, "frontEnd");
        this.ecg = Objects.requireNonNull(ecg, "ecg");
    }

    /** Takes electrodes off or puts them back. */
    public synchronized void setLeads(LeadStatus newLeads) {
        leads = Objects.requireNonNull(newLeads, "newLeads");
    }

    /** Changes the patient's heart rate from the next beat on. */
    public synchronized void setHeartRate(double bpm) {
        ecg.setHeartRate(bpm);
    }

    @Override
    public synchronized double volts(int channel, double seconds) {
        if (channel != 0) {
            return 0;
        }
        double millivolts = ecg.millivolts(seconds);
        if (!leads.attached()) {
            return frontEnd.supplyVolts();
        }
        double out = frontEnd.referenceVolts() + frontEnd.gain() * millivolts / 1000;
        return Math.clamp(out, 0, frontEnd.supplyVolts());
    }

    @Override
    public synchronized LeadStatus status() {
        return leads;
    }
}
