-- When each patient was in a consultation's call (issue 7, FHIR export), for SQLite and PostgreSQL alike. One row per
-- admission: the participant's seat, the kiosk they sat at (NULL for a browser without one), admitted_at when the
-- doctor admitted them, left_at when they left, lost their seat or the consultation ended (NULL while in the call).
-- The FHIR export links a kiosk's readings to a consultation by these periods: readings of that kiosk taken while
-- its patient was in the call (docs/fhir.md). Seats are deleted when released, so the period is kept here; it goes
-- with its consultation (consultation.retention). V3 is taken by another branch; this one does not depend on it.
CREATE TABLE consultation_call (
    consultation_id  TEXT    NOT NULL REFERENCES consultation (id) ON DELETE CASCADE,
    participant_id   TEXT    NOT NULL,
    kiosk            TEXT,
    admitted_at      BIGINT  NOT NULL,  -- epoch nanoseconds, broker clock
    left_at          BIGINT,            -- epoch nanoseconds; NULL while the participant is in the call
    PRIMARY KEY (consultation_id, participant_id)
);
