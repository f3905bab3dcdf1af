package org.telekiosk.agent.sensor.bloodpressure;

/** Why the monitor refused a command (second payload byte of a {@link MonitorRequest#NAK} frame). */
public enum NakReason {
    /** The command code is not one of {@link MonitorRequest}. */
    UNKNOWN_COMMAND(0x01, "unknown command"),
    /** A measurement is already under way. */
    BUSY(0x02, "a measurement is already under way"),
    /** There is no result: no measurement finished since power-on or the last start. */
    NO_RESULT(0x03, "no result available"),
    /** The command came with a payload it does not take. */
    BAD_LENGTH(0x04, "wrong payload length");

    private final int code;
    private final String meaning;

    NakReason(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    /** The reason for {@code code}, or a description of an unknown one. */
    static String describe(int code) {
        for (NakReason reason : values()) {
            if (reason.code == code) {
                return reason.meaning;
            }
        }
        return String.format("unknown reason 0x%02X", code);
    }
}
