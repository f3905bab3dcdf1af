package org.telekiosk.broker.command;

/**
 * Where a command stands, as the doctor sees it: {@code QUEUED} (issued, not yet started by the kiosk), then
 * {@code RUNNING}, then one of the final states {@code DONE}, {@code FAILED} (with a reason) or {@code EXPIRED} (not
 * started before its {@code expiresAt}, by the broker's clock or as the kiosk reported).
 */
public enum CommandStatus {
    QUEUED, RUNNING, DONE, FAILED, EXPIRED;

    /** Whether nothing changes this state any more. */
    public boolean terminal() {
        return this == DONE || this == FAILED || this == EXPIRED;
    }
}
