package org.telekiosk.protocol.update;

/** Why a kiosk refused an offered agent package ({@link AgentUpdateReport#reason()}). */
public enum RefusalReason {
    /** The kiosk has no update key pinned (enrolled before updates existed): enroll it again. */
    NO_KEY,
    /** The Ed25519 signature does not verify against the key pinned at enrollment. */
    SIGNATURE,
    /** The download ended before the offered size, or was longer. */
    TRUNCATED,
    /** The package is not newer than the version running. */
    OLDER,
    /** The package is for another architecture than the kiosk's. */
    ARCHITECTURE,
    /** The file is not a Debian package, or not the agent's package. */
    NOT_THE_AGENT,
    /** The download failed (network, broker error); tried again at the next check. */
    DOWNLOAD
}
