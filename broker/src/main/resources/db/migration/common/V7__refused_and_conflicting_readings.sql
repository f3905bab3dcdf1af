-- Issue 12, defects 5 and 6 (V7: V6 is the released seats of the same issue). For SQLite and PostgreSQL alike (${binary_type}: BLOB or BYTEA, set by Dialect).

-- Readings the broker refused (protocol/README.md, "Refused readings"): a payload on a kiosk's measurements topic that
-- names a sequence number but is no valid reading (a bad LOINC check digit, an unknown field, NaN, another kiosk's
-- id). Kept with its payload for a technician; its number counts as received in gap tracking (it will never be stored,
-- and sending it again would be refused again), and the kiosk is told of it in store-ack.refused.
CREATE TABLE refused_reading (
    kiosk       TEXT            NOT NULL,
    seq         BIGINT          NOT NULL,
    reason      TEXT            NOT NULL,  -- the refusal code (MalformedMessageException.Reason), e.g. invalid-field
    detail      TEXT            NOT NULL,  -- what was wrong, one line
    payload     ${binary_type}  NOT NULL,  -- the payload as it came
    refused_at  BIGINT          NOT NULL,  -- epoch milliseconds, broker clock
    PRIMARY KEY (kiosk, seq)
);

-- Readings that came under an identity (kiosk, seq) already stored with other content (a kiosk enrolled again that
-- numbered from 1, or a kiosk maker's bug): never dropped silently, kept here and reported as conflicts.
CREATE TABLE reading_conflict (
    kiosk        TEXT            NOT NULL,
    seq          BIGINT          NOT NULL,
    digest       TEXT            NOT NULL,  -- SHA-256 of payload, hex: the same conflicting reading is kept once
    payload      ${binary_type}  NOT NULL,  -- the reading as CBOR (protocol/README.md, measurement or waveform)
    received_at  BIGINT          NOT NULL,  -- epoch milliseconds, broker clock
    PRIMARY KEY (kiosk, seq, digest)
);
