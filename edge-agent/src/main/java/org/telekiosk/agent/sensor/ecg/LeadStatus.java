package org.telekiosk.agent.sensor.ecg;

/**
 * The AD8232's lead-off outputs (AD8232 datasheet, "Lead-Off Detection", DC mode): LO+ is high when the electrode at
 * +IN has come off, LO- when the one at -IN has.
 */
public record LeadStatus(boolean positiveOff, boolean negativeOff) {

    /** Both electrodes on the skin. */
    public static final LeadStatus ATTACHED = new LeadStatus(false, false);

    public boolean attached() {
        return !positiveOff && !negativeOff;
    }

    /** Which electrode is off, for a message: "+IN", "-IN" or "+IN and -IN". */
    public String describe() {
        if (attached()) {
            return "both electrodes attached";
        }
        return positiveOff && negativeOff ? "+IN and -IN" : positiveOff ? "+IN" : "-IN";
    }
}
