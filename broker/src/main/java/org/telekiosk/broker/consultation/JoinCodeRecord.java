package org.telekiosk.broker.consultation;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.telekiosk.broker.account.AccountId;
import org.telekiosk.broker.account.SecretHash;
import org.telekiosk.broker.request.ConsultationId;

/** A join code as stored: its keyed hash, never the code; bound to one doctor and one consultation. */
public record JoinCodeRecord(SecretHash codeHash, ConsultationId consultation, AccountId doctor, Instant issuedAt,
        Instant expiresAt, Optional<Instant> redeemedAt) {
    public JoinCodeRecord {
        Objects.requireNonNull(codeHash, "codeHash");
        Objects.requireNonNull(consultation, "consultation");
        Objects.requireNonNull(doctor, "doctor");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(redeemedAt, "redeemedAt");
    }
}
