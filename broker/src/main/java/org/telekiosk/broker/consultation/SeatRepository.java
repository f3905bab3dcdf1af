package org.telekiosk.broker.consultation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.telekiosk.broker.account.SecretHash;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.ParticipantId;

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

    /**
     * Replaces the stored seat with {@code resumed} (the same id) only if its resume token is still {@code spent}:
     * one conditional statement, so that of two resumes with one token (on two broker nodes at once) exactly one
     * wins. False if the token was spent meanwhile or the seat is gone.
     */
    boolean resume(Seat resumed, SecretHash spent);

    boolean delete(ParticipantId id);

    int deleteAllOf(ConsultationId consultation);

    /**
     * Deletes the seat and keeps its current resume token hash as released at {@code at}, so that a resume with it
     * is told the seat was released ({@link #isReleased}) rather than that the token is unknown. False if it was gone.
     */
    boolean release(ParticipantId id, Instant at);

    /** {@link #release}s every seat of {@code consultation} (it ended); returns how many. */
    int releaseAllOf(ConsultationId consultation, Instant at);

    /** Whether {@code resumeTokenHash} was the resume token of a seat when it was released. */
    boolean isReleased(SecretHash resumeTokenHash);

    /** The seats whose connection dropped at or before {@code cutoff}. */
    List<Seat> disconnectedSince(Instant cutoff);
}
