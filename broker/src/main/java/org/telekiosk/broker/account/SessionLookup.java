package org.telekiosk.broker.account;

import java.time.Instant;

/** What a session token is worth right now: an active session with its account, or a typed refusal. */
public sealed interface SessionLookup {
    /** Why a token opens nothing. The transport answers each with 401; the reason helps the page explain. */
    enum Reason {
        /** Never issued, logged out, malformed, or its account is gone. */
        UNKNOWN,
        /** Past its absolute lifetime. */
        EXPIRED,
        /** Unused for longer than the idle timeout. */
        IDLE
    }

    /** The token is valid; this use has been recorded, moving the idle deadline. */
    record Active(Account account, Instant expiresAt, Instant idleDeadline) implements SessionLookup {}

    record Refused(Reason reason) implements SessionLookup {}
}
