package org.telekiosk.broker.account;

import java.util.Objects;
import org.telekiosk.protocol.KioskId;

/**
 * Whom a session belongs to: a staff account (logged in with a password) or a kiosk's own page (a one-time kiosk
 * page token the kiosk obtained over mutual TLS, see {@code docs/api.md}, "Kiosk page session"). Stored as exactly one
 * of {@code login_session.account_id} and {@code login_session.kiosk} (migration V4).
 */
public sealed interface SessionPrincipal {
    record OfAccount(AccountId account) implements SessionPrincipal {
        public OfAccount {
            Objects.requireNonNull(account, "account");
        }
    }

    record OfKiosk(KioskId kiosk) implements SessionPrincipal {
        public OfKiosk {
            Objects.requireNonNull(kiosk, "kiosk");
        }
    }
}
