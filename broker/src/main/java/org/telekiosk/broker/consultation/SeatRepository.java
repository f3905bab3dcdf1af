package org.telekiosk.broker.consultation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.telekiosk.broker.account.SecretHash;

/**
 * Where seats live. Plain records, so that a SQL-backed implementation (SQLite/PostgreSQL, with the measurement
 * store; needed once several broker nodes share a waiting room) is one table keyed by participant id with a unique
 * resume-token hash. Thread-safe.
 */
public interface SeatRepository {
    void insert(Seat seat);

    Optional<Seat> find(ParticipantId id);

    Optional<Seat> findByResumeToken(SecretHash resumeTokenHash);

    /** The seats of {@code consultation}, in the order they were taken. */
    List<Seat> listOf(ConsultationId consultation);

    /** Replaces the stored seat with the same id; does nothing if it is gone. */
    void update(Seat seat);

    boolean delete(ParticipantId id);

    int deleteAllOf(ConsultationId consultation);

    /** The seats whose connection dropped at or before {@code cutoff}. */
    List<Seat> disconnectedSince(Instant cutoff);
}
