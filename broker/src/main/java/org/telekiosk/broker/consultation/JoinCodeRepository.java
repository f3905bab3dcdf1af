package org.telekiosk.broker.consultation;

import java.time.Instant;
import java.util.Optional;
import org.telekiosk.broker.account.SecretHash;
import org.telekiosk.broker.request.ConsultationId;

/**
 * Where join codes live, by their keyed hash. Plain records, so that a SQL-backed implementation (SQLite/PostgreSQL,
 * with the measurement store) is a table {@code join_code(code_hash primary key, consultation_id, doctor_id,
 * issued_at, expires_at, redeemed_at null)}. Thread-safe.
 */
public interface JoinCodeRepository {
    /** Inserts {@code code}; returns false if its hash is present already (a collision: draw another code). */
    boolean insert(JoinCodeRecord code);

    Optional<JoinCodeRecord> find(SecretHash codeHash);

    /**
     * Marks the code redeemed at {@code at} only if it was not yet, atomically (in SQL: {@code UPDATE … SET
     * redeemed_at = ? WHERE code_hash = ? AND redeemed_at IS NULL}); returns whether this call did it. This is what
     * makes a code single-use even when two kiosks race with it.
     */
    boolean markRedeemed(SecretHash codeHash, Instant at);

    /** Revokes every code of {@code consultation}; returns how many. */
    int deleteAllOf(ConsultationId consultation);

    /** Deletes codes that expired before {@code now}; returns how many. */
    int deleteExpired(Instant now);
}
