-- Accounts, login sessions, consultations, join codes, seats and the audit log (issue 3), for SQLite and PostgreSQL
-- alike. Instants are BIGINT epoch nanoseconds (as measurement.taken_at), identifiers canonical UUID text. Secrets are
-- never stored: sessions and resume tokens as SHA-256, join codes as HMAC-SHA256 under a key kept outside the
-- database, passwords as Argon2id PHC strings. ${serial_key} is an auto-numbered primary key (insertion order).

CREATE TABLE account (
    id             TEXT  NOT NULL PRIMARY KEY,
    login_name     TEXT  NOT NULL UNIQUE,
    display_name   TEXT  NOT NULL,
    role           TEXT  NOT NULL CHECK (role IN ('DOCTOR', 'TECHNICIAN', 'ADMIN')),
    password_hash  TEXT  NOT NULL
);
CREATE INDEX account_by_role ON account (role);

CREATE TABLE login_session (
    token_hash    TEXT    NOT NULL PRIMARY KEY,
    account_id    TEXT    NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    created_at    BIGINT  NOT NULL,
    last_used_at  BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL
);
CREATE INDEX login_session_by_account ON login_session (account_id);
CREATE INDEX login_session_by_expiry ON login_session (expires_at);

-- target 'room': kiosk is set, patient_name is NULL; target 'patient': kiosk is NULL, patient_name optional.
CREATE TABLE consultation (
    id            TEXT    NOT NULL PRIMARY KEY,
    doctor_id     TEXT    NOT NULL REFERENCES account (id),
    target        TEXT    NOT NULL CHECK (target IN ('room', 'patient')),
    kiosk         TEXT,
    patient_name  TEXT,
    state         TEXT    NOT NULL CHECK (state IN ('SCHEDULED', 'WAITING', 'IN_CALL', 'ENDED')),
    created_at    BIGINT  NOT NULL,
    access_until  BIGINT  NOT NULL,
    ended_at      BIGINT,
    CHECK ((target = 'room' AND kiosk IS NOT NULL AND patient_name IS NULL)
        OR (target = 'patient' AND kiosk IS NULL))
);
CREATE INDEX consultation_by_doctor ON consultation (doctor_id, created_at);
CREATE INDEX consultation_by_kiosk ON consultation (kiosk, state);
CREATE INDEX consultation_open ON consultation (state, access_until);

CREATE TABLE join_code (
    code_hash        TEXT    NOT NULL PRIMARY KEY,
    consultation_id  TEXT    NOT NULL REFERENCES consultation (id) ON DELETE CASCADE,
    doctor_id        TEXT    NOT NULL REFERENCES account (id),
    issued_at        BIGINT  NOT NULL,
    expires_at       BIGINT  NOT NULL,
    redeemed_at      BIGINT
);
CREATE INDEX join_code_by_consultation ON join_code (consultation_id);
CREATE INDEX join_code_by_expiry ON join_code (expires_at);

-- A patient's seat; arrival orders the waiting list first come first, even within one clock tick.
CREATE TABLE seat (
    arrival             ${serial_key},
    id                  TEXT     NOT NULL UNIQUE,
    consultation_id     TEXT     NOT NULL REFERENCES consultation (id) ON DELETE CASCADE,
    display_name        TEXT     NOT NULL,
    kiosk               TEXT,
    status              TEXT     NOT NULL CHECK (status IN ('WAITING', 'IN_CALL')),
    resume_token_hash   TEXT     NOT NULL UNIQUE,
    camera_granted      BOOLEAN  NOT NULL,
    microphone_granted  BOOLEAN  NOT NULL,
    sensors_online      BOOLEAN  NOT NULL,
    round_trip_millis   INTEGER,
    joined_at           BIGINT   NOT NULL,
    disconnected_at     BIGINT
);
CREATE INDEX seat_by_consultation ON seat (consultation_id);
CREATE INDEX seat_disconnected ON seat (disconnected_at);

-- Who did what, when (DESIGN.md, "Security model"); purged after audit.retention. No foreign keys: an entry outlives
-- what it names.
CREATE TABLE audit_event (
    position  ${serial_key},
    at        BIGINT  NOT NULL,
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    subject   TEXT    NOT NULL,
    detail    TEXT    NOT NULL
);
CREATE INDEX audit_event_by_time ON audit_event (at);
