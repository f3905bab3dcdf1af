-- Kiosk page sessions (issue 3): a session belongs to an account (a staff login) or to a kiosk (its own kiosk page,
-- after a one-time kiosk page token the kiosk obtained over mutual TLS), exactly one of the two, for SQLite and
-- PostgreSQL alike. SQLite cannot drop a NOT NULL constraint, so the table is copied into a new one and renamed;
-- its indexes are made again under their old names. Sessions of accounts carry over unchanged.

CREATE TABLE login_session_v4 (
    token_hash    TEXT    NOT NULL PRIMARY KEY,
    account_id    TEXT    REFERENCES account (id) ON DELETE CASCADE,
    kiosk         TEXT,
    created_at    BIGINT  NOT NULL,
    last_used_at  BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL,
    CHECK ((account_id IS NOT NULL AND kiosk IS NULL) OR (account_id IS NULL AND kiosk IS NOT NULL))
);
INSERT INTO login_session_v4 (token_hash, account_id, kiosk, created_at, last_used_at, expires_at)
    SELECT token_hash, account_id, NULL, created_at, last_used_at, expires_at FROM login_session;
DROP TABLE login_session;
ALTER TABLE login_session_v4 RENAME TO login_session;
CREATE INDEX login_session_by_account ON login_session (account_id);
CREATE INDEX login_session_by_kiosk ON login_session (kiosk);
CREATE INDEX login_session_by_expiry ON login_session (expires_at);
