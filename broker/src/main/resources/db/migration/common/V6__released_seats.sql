-- The resume tokens (SHA-256, as seat.resume_token_hash) of released seats (issue 12): a resume after the grace
-- period, after the patient left or after the consultation ended is answered `seat-released` (4410), as the
-- signaling protocol promises, while a token that never opened a seat (or was spent by a resume) stays
-- `not-authenticated`. One row per released seat; it goes with its consultation (consultation.retention).
CREATE TABLE released_seat (
    resume_token_hash  TEXT    NOT NULL PRIMARY KEY,
    consultation_id    TEXT    NOT NULL REFERENCES consultation (id) ON DELETE CASCADE,
    released_at        BIGINT  NOT NULL  -- epoch nanoseconds, broker clock
);
CREATE INDEX released_seat_by_consultation ON released_seat (consultation_id);
