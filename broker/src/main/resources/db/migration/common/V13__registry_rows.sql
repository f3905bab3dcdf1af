-- The kiosk registry changed row by row (issue 16): a change writes only the rows it changes and stamps them with
-- the registry's version it makes, so that another node reads only the rows stamped since its last look instead of
-- the whole registry. Rows from before this migration carry version 0. Instants are BIGINT epoch nanoseconds.
ALTER TABLE kiosk ADD COLUMN registry_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE revoked_serial ADD COLUMN registry_version BIGINT NOT NULL DEFAULT 0;
CREATE INDEX kiosk_by_registry_version ON kiosk (registry_version);
CREATE INDEX revoked_serial_by_registry_version ON revoked_serial (registry_version);

-- How many of the registry's changes stamped their rows. A node of an earlier version (during a rolling upgrade)
-- bumps the version without stamping: a node that sees the version move by more than this count reloads in full.
ALTER TABLE kiosk_registry ADD COLUMN stamped_changes BIGINT NOT NULL DEFAULT 0;

-- Every change prunes expired tokens and CRL entries: by index, not by a scan of every row.
CREATE INDEX enrollment_token_by_expiry ON enrollment_token (expires_at);
CREATE INDEX revoked_serial_by_expiry ON revoked_serial (not_after);
