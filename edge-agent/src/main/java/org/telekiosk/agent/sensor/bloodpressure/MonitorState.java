package org.telekiosk.agent.sensor.bloodpressure;

import java.util.Optional;

/** The monitor's state, first byte of a status reply. */
public enum MonitorState {
    /** No measurement under way; the cuff is deflated. */
    IDLE(0x00),
    /** The cuff is inflating. */
    INFLATING(0x01),
    /** The cuff deflates step by step while the monitor measures the oscillations. */
    MEASURING(0x02),
    /** The measurement finished; the result can be read. */
    DONE(0x03),
    /** The measurement failed; the error code says why, the cuff is deflated. */
    ERROR(0x04);

    private final int code;

    MonitorState(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    static Optional<MonitorState> of(int code) {
        for (MonitorState state : values()) {
            if (state.code == code) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }
}
