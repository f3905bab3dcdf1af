-- Measurement commands (issue 7): a doctor orders a measurement at the kiosk in the call; the broker sends it over
-- MQTT and the kiosk reports back (protocol/README.md, "command"). For SQLite and PostgreSQL alike; instants are
-- BIGINT epoch nanoseconds (broker clock), ids canonical UUID text. V4 is taken by another branch; this one does not
-- depend on it. A command goes with its consultation (consultation.retention).
CREATE TABLE kiosk_command (
    id               TEXT     NOT NULL PRIMARY KEY,
    consultation_id  TEXT     NOT NULL REFERENCES consultation (id) ON DELETE CASCADE,
    kiosk            TEXT     NOT NULL,
    kind             TEXT     NOT NULL CHECK (kind IN ('BLOOD_PRESSURE', 'WEIGHT', 'TEMPERATURE', 'ECG')),
    seconds          INTEGER  NOT NULL,  -- ECG duration; 0 for the other kinds
    state            TEXT     NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'DONE', 'FAILED', 'EXPIRED')),
    reason           TEXT     NOT NULL,  -- why it FAILED (or expired); empty otherwise
    result_seqs      TEXT     NOT NULL,  -- the kiosk's sequence numbers of the result readings, comma-separated
    published        BOOLEAN  NOT NULL,  -- whether the MQTT broker took the command (PUBACK); else it is sent again
    issued_at        BIGINT   NOT NULL,
    expires_at       BIGINT   NOT NULL,
    updated_at       BIGINT   NOT NULL
);
CREATE INDEX kiosk_command_by_consultation ON kiosk_command (consultation_id, issued_at);
CREATE INDEX kiosk_command_by_kiosk ON kiosk_command (kiosk, state);
CREATE INDEX kiosk_command_open ON kiosk_command (state, expires_at);
