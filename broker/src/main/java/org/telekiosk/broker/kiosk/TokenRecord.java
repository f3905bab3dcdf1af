package org.telekiosk.broker.kiosk;

import java.time.Instant;
import java.util.Objects;

/**
 * An enrollment token as the broker keeps it: only the SHA-256 of its secret, never the secret.
 *
 * @param secretHash SHA-256 of the token's secret, hex
 * @param kiosk      the kiosk id the token enrolls
 * @param label      the label the kiosk gets
 * @param createdBy  who created it (an audit actor)
 * @param createdAt  when
 * @param expiresAt  after this it is refused
 * @param usedAt     when it was redeemed; null while unused
 */
public record TokenRecord(String secretHash, String kiosk, String label, String createdBy, Instant createdAt,
        Instant expiresAt, Instant usedAt) {
    public TokenRecord {
        Objects.requireNonNull(secretHash, "secretHash");
        Objects.requireNonNull(kiosk, "kiosk");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(createdBy, "createdBy");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    TokenRecord used(Instant at) {
        return new TokenRecord(secretHash, kiosk, label, createdBy, createdAt, expiresAt, at);
    }
}
