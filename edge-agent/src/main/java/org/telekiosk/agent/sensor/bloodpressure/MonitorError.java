package org.telekiosk.agent.sensor.bloodpressure;

import java.util.Optional;

/** Why a measurement failed, second byte of a status reply in state {@link MonitorState#ERROR}. */
public enum MonitorError {
    /** The cuff is not wrapped tightly enough: it does not hold pressure. */
    CUFF_LOOSE(0x01, "cuff loose: wrap the cuff snugly around the upper arm"),
    /** The arm moved during the measurement. */
    MOTION(0x02, "motion detected: the patient should keep the arm still"),
    /** The cuff pressure exceeded the safety limit (300 mm[Hg]); the monitor deflated it. */
    OVER_PRESSURE(0x03, "over-pressure: the cuff was deflated for safety"),
    /** The monitor's battery is too low to inflate the cuff. */
    LOW_BATTERY(0x04, "low battery: charge or replace the monitor's battery"),
    /** No result within the monitor's own time limit. */
    TIMEOUT(0x05, "measurement timed out in the monitor");

    private final int code;
    private final String meaning;

    MonitorError(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    /** What the error means and what to do, in words for the kiosk's staff. */
    public String meaning() {
        return meaning;
    }

    static Optional<MonitorError> of(int code) {
        for (MonitorError error : values()) {
            if (error.code == code) {
                return Optional.of(error);
            }
        }
        return Optional.empty();
    }
}
