package org.telekiosk.agent.sensor.bloodpressure;

import java.util.Objects;
import java.util.Optional;

/**
 * A status reply: payload state (1 byte), error code (1 byte, 0x00 = none), cuff pressure in mm[Hg] (2 bytes).
 *
 * @param state          the monitor's state
 * @param error          why it failed, present exactly in state {@link MonitorState#ERROR}
 * @param cuffPressure   current cuff pressure, mm[Hg]
 */
public record MonitorStatus(MonitorState state, Optional<MonitorError> error, int cuffPressure) {
    public MonitorStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(error, "error");
        if (error.isPresent() != (state == MonitorState.ERROR)) {
            throw new IllegalArgumentException("an error code goes with state ERROR and only with it");
        }
    }
}
