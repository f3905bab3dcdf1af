package org.telekiosk.protocol.telemetry;

import org.telekiosk.protocol.downlink.Command;

/** Where a kiosk is with a {@link Command}, as it reports in a {@link CommandUpdate}. */
public enum CommandState {
    /** The kiosk started it. */
    RUNNING,
    /** It finished; the update lists the readings it produced. */
    DONE,
    /** It could not be done; the update says why. */
    FAILED,
    /** It reached the kiosk after its {@code expiresAt}, so the kiosk did not run it. */
    EXPIRED;

    /** Whether nothing follows this state. */
    public boolean terminal() {
        return this != RUNNING;
    }
}
