-- The measurement store, for SQLite and PostgreSQL alike. Where the dialects differ, a Flyway placeholder stands in,
-- set by Dialect: ${binary_type} is BLOB on SQLite, BYTEA on PostgreSQL.

-- The identity of every reading a kiosk sent: (kiosk, seq). Measurements and waveform batches share one sequence per
-- kiosk, so the identity lives in one table and a redelivery of either kind is refused here.
CREATE TABLE reading (
    kiosk      TEXT    NOT NULL,
    seq        BIGINT  NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('measurement', 'waveform')),
    stored_at  BIGINT  NOT NULL,  -- epoch milliseconds, broker clock
    PRIMARY KEY (kiosk, seq)
);

CREATE TABLE measurement (
    kiosk      TEXT              NOT NULL,
    seq        BIGINT            NOT NULL,
    sensor     TEXT              NOT NULL,
    loinc      TEXT              NOT NULL,
    value      DOUBLE PRECISION  NOT NULL,
    unit       TEXT              NOT NULL,
    taken_at   BIGINT            NOT NULL,  -- epoch nanoseconds (the protocol carries up to nanoseconds)
    PRIMARY KEY (kiosk, seq)
);
CREATE INDEX measurement_by_time ON measurement (kiosk, taken_at);

CREATE TABLE waveform_batch (
    kiosk         TEXT              NOT NULL,
    seq           BIGINT            NOT NULL,
    sensor        TEXT              NOT NULL,
    signal        TEXT              NOT NULL,
    unit          TEXT              NOT NULL,
    sample_rate   DOUBLE PRECISION  NOT NULL,
    start_at      BIGINT            NOT NULL,  -- epoch nanoseconds
    scale         DOUBLE PRECISION  NOT NULL,
    sample_count  INTEGER           NOT NULL,
    samples       ${binary_type}    NOT NULL,  -- sample_count big-endian 32-bit signed integers
    PRIMARY KEY (kiosk, seq)
);
CREATE INDEX waveform_by_time ON waveform_batch (kiosk, start_at);

-- Gap tracking: the highest seq seen per kiosk, and every range below it not received yet.
CREATE TABLE kiosk_progress (
    kiosk        TEXT    NOT NULL PRIMARY KEY,
    highest_seq  BIGINT  NOT NULL
);

CREATE TABLE seq_gap (
    kiosk      TEXT    NOT NULL,
    first_seq  BIGINT  NOT NULL,
    last_seq   BIGINT  NOT NULL,
    opened_at  BIGINT  NOT NULL,  -- epoch milliseconds, when the gap was first seen
    lost_at    BIGINT,            -- epoch milliseconds, when it was reported lost; NULL while it may still fill
    PRIMARY KEY (kiosk, first_seq)
);
CREATE INDEX seq_gap_open ON seq_gap (lost_at, opened_at);
