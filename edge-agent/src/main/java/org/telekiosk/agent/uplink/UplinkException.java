package org.telekiosk.agent.uplink;

/** A publish did not reach an acknowledgement; {@link #reason()} says why. */
public final class UplinkException extends Exception {
    /** Why a publish failed. */
    public enum Reason {
        /** Not connected right now; try again after reconnect. */
        DISCONNECTED,
        /** The in-flight window is full; try again when an acknowledgement arrives. */
        WINDOW_FULL,
        /** The broker answered the publish with an error reason code (MQTT 5 §3.4.2.1). */
        REFUSED,
        /** The connection dropped or the client failed before the acknowledgement. */
        LOST
    }

    private final Reason reason;

    public UplinkException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
