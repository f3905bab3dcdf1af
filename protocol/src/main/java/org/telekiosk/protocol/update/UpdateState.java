package org.telekiosk.protocol.update;

/** Where an agent stands with updates, as it reports it ({@link AgentUpdateReport#state()}). */
public enum UpdateState {
    /** Running {@code version}; nothing to report beyond that (at start, and after each check that found nothing). */
    RUNNING,
    /** A newer package was found but not installed yet: the kiosk is busy (a measurement is under way). */
    DEFERRED,
    /** The verified package was handed to the kiosk's installer; the agent restarts shortly. */
    INSTALLING,
    /** The agent runs the version the last update installed; its health check passed. */
    INSTALLED,
    /** The offered package was refused; {@link AgentUpdateReport#reason()} says why. Nothing was installed. */
    REFUSED,
    /** Installing failed (dpkg refused it); the previous version still runs. */
    FAILED,
    /** The new version failed its health check and the previous one was installed again. */
    ROLLED_BACK
}
