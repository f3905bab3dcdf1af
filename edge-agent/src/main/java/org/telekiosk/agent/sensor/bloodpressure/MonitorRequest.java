package org.telekiosk.agent.sensor.bloodpressure;

import java.util.Optional;

/**
 * The host's requests to the monitor, the "commands" of its serial protocol (see the package documentation). The
 * monitor answers each with the reply code {@code command | 0x80}, or with a {@link #NAK} frame.
 */
public enum MonitorRequest {
    /** Start a measurement: the cuff inflates. Reply without payload. */
    START_MEASUREMENT(0x01),
    /** Read the status: state, error code, cuff pressure. */
    READ_STATUS(0x02),
    /** Read the result of the last measurement: systolic, diastolic, mean, pulse. */
    READ_RESULT(0x03),
    /** Abort a measurement: the cuff deflates at once, the state goes idle. Reply without payload. */
    ABORT(0x04);

    /** The reply code of a refused command; payload: the refused command code, then a {@link NakReason} code. */
    public static final int NAK = 0x7F;

    private final int code;

    MonitorRequest(int code) {
        this.code = code;
    }

    /** The code on the wire. */
    public int code() {
        return code;
    }

    /** The code of the monitor's reply. */
    public int replyCode() {
        return code | 0x80;
    }

    /** The command with {@code code}, if any. */
    public static Optional<MonitorRequest> of(int code) {
        for (MonitorRequest command : values()) {
            if (command.code == code) {
                return Optional.of(command);
            }
        }
        return Optional.empty();
    }
}
