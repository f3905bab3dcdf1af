package org.telekiosk.broker.account;

import java.time.Instant;
import org.telekiosk.protocol.KioskId;

/**
 * What a session token is worth right now: an active staff session with its account, an active kiosk page session
 * with its kiosk, or a typed refusal. Staff endpoints accept only {@link Active}.
 */
public sealed interface SessionLookup {
    /** Why a token opens nothing. The transport answers each with 401; the reason helps the page explain. */
    enum Reason {
        /** Never issued, logged out, malformed, its account is gone or its kiosk revoked. */
        UNKNOWN,
        /** Past its absolute lifetime. */
        EXPIRED,
        /** Unused for longer than the idle timeout. */
        IDLE
    }

    /** The token is valid; this use has been recorded, moving the idle deadline. */
    record Active(Account account, Instant expiresAt, Instant idleDeadline) implements SessionLookup {}

    /** A kiosk page session (never staff): the page of {@code kiosk}; this use has been recorded. */
    record Kiosk(KioskId kiosk, Instant expiresAt, Instant idleDeadline) implements SessionLookup {}

    record Refused(Reason reason) implements SessionLookup {}
}
