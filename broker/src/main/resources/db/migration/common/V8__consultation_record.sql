-- The record of each consultation (KBV Anlage 31b BMV-Ä: who took part and when, how the media flowed, that it was
-- encrypted end to end, that nothing was recorded, how the link degraded, when and by whom it ended), for SQLite
-- and PostgreSQL alike. Roles and times only: no names, no media, no message content, no addresses. Rows go with
-- their consultation (consultation.retention, three months at most), docs/api.md "Consultation record".

-- What happened, in order: doctor-joined, doctor-left, patient-joined, patient-admitted, patient-dropped,
-- patient-resumed, patient-left, patient-released, rung, ended.
CREATE TABLE record_event (
    position         ${serial_key},
    consultation_id  TEXT    NOT NULL REFERENCES consultation (id) ON DELETE CASCADE,
    at               BIGINT  NOT NULL,  -- epoch nanoseconds, broker clock
    kind             TEXT    NOT NULL,
    party            TEXT    NOT NULL,  -- doctor, patient or broker
    participant      TEXT    NOT NULL,  -- the patient's seat id (a random UUID), '' for the doctor and the broker
    detail           TEXT    NOT NULL   -- the rung of a rung event, the reason of an end, else ''
);
CREATE INDEX record_event_by_consultation ON record_event (consultation_id, position);

-- How the media flowed, as each page reported it (signaling media-report), with the broker's comparison of the
-- DTLS fingerprints the page saw with those of the SDPs it relayed: match, mismatch, or unknown (no SDP seen).
CREATE TABLE record_media (
    position            ${serial_key},
    consultation_id     TEXT    NOT NULL REFERENCES consultation (id) ON DELETE CASCADE,
    at                  BIGINT  NOT NULL,
    party               TEXT    NOT NULL,
    path                TEXT    NOT NULL,  -- direct or relay
    protocol            TEXT    NOT NULL,  -- udp, tcp or tls
    local_candidate     TEXT    NOT NULL,  -- host, srflx, prflx or relay
    remote_candidate    TEXT    NOT NULL,
    local_fingerprint   TEXT    NOT NULL,  -- "sha-256 AB:…", as in SDP a=fingerprint
    remote_fingerprint  TEXT    NOT NULL,
    fingerprints        TEXT    NOT NULL   -- match, mismatch or unknown
);
CREATE INDEX record_media_by_consultation ON record_media (consultation_id, position);

-- Audit entries name the consultation whose data they concern ('' when none), so that an admin can list every
-- access to one consultation's health data (BSI TR-03161-3 style access audit).
ALTER TABLE audit_event ADD COLUMN consultation TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_event_by_consultation ON audit_event (consultation, position);
