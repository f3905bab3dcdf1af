package org.telekiosk.broker.account;

import java.time.Instant;
import java.util.Objects;

/** A login session as stored: the SHA-256 of its token, never the token. */
public record SessionRecord(SecretHash tokenHash, AccountId account, Instant createdAt, Instant lastUsedAt,
        Instant expiresAt) {
    public SessionRecord {
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastUsedAt, "lastUsedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public SessionRecord touchedAt(Instant now) {
        return new SessionRecord(tokenHash, account, createdAt, now, expiresAt);
    }
}
