package org.telekiosk.broker.account;

import java.time.Instant;
import java.util.Objects;

/** A session as stored: the SHA-256 of its token, never the token, and whom it belongs to. */
public record SessionRecord(SecretHash tokenHash, SessionPrincipal principal, Instant createdAt, Instant lastUsedAt,
        Instant expiresAt) {
    public SessionRecord {
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastUsedAt, "lastUsedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** An account's login session. */
    public SessionRecord(SecretHash tokenHash, AccountId account, Instant createdAt, Instant lastUsedAt,
            Instant expiresAt) {
        this(tokenHash, new SessionPrincipal.OfAccount(account), createdAt, lastUsedAt, expiresAt);
    }

    public SessionRecord touchedAt(Instant now) {
        return new SessionRecord(tokenHash, principal, createdAt, now, expiresAt);
    }
}
