-- The kiosk registry in the database (issue 17), so that several broker nodes on one PostgreSQL share it; before
-- this it was the file kiosks/registry.json of one node, which the first start with this migration imports
-- (KioskRegistry.open) and renames to registry.json.imported-<epoch second>. Instants are BIGINT epoch nanoseconds.

-- One row: the registry's change counter (every change bumps it; nodes poll it and reload on a change), the number
-- of the next CRL, and the CA the registry belongs to (recorded by the first node; a node with another CA refuses
-- to start).
CREATE TABLE kiosk_registry (
    id                     INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    version                BIGINT  NOT NULL,
    crl_number             BIGINT  NOT NULL,
    root_ca_sha256         TEXT,   -- SHA-256 of the root CA certificate (DER), hex
    issuing_ca_sha256      TEXT,   -- SHA-256 of the issuing CA certificate (DER), hex
    issuing_ca_not_before  BIGINT, -- its notBefore: a renewed issuing CA (same root, later) replaces it
    imported_from          TEXT,   -- the registry.json imported into this database, if any
    imported_at            BIGINT
);
INSERT INTO kiosk_registry (id, version, crl_number) VALUES (1, 0, 0);

-- Each kiosk: its current certificate, its revocation, and when any node last saw it (MQTT connect, enrollment,
-- renewal). last_seen is written apart from the registry's changes and does not bump the version.
CREATE TABLE kiosk (
    id          TEXT    NOT NULL PRIMARY KEY,
    label       TEXT    NOT NULL,
    serial      TEXT    NOT NULL,  -- hex; '' before the first enrollment
    not_after   BIGINT,
    revoked_at  BIGINT,
    last_seen   BIGINT
);

-- Enrollment tokens: only the SHA-256 of the secret, never the secret.
CREATE TABLE enrollment_token (
    secret_hash  TEXT    NOT NULL PRIMARY KEY,
    kiosk        TEXT    NOT NULL,
    label        TEXT    NOT NULL,
    created_by   TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL,
    used_at      BIGINT
);

-- Certificates no longer trusted (revoked with their kiosk, or superseded by a renewal or a new enrollment), listed
-- in the CRL until they expire.
CREATE TABLE revoked_serial (
    serial      TEXT    NOT NULL PRIMARY KEY,
    kiosk       TEXT    NOT NULL,
    revoked_at  BIGINT  NOT NULL,
    not_after   BIGINT  NOT NULL,
    reason      TEXT    NOT NULL
);

-- One-time kiosk page tokens (SHA-256 of the token): redeemed once, on any node (one DELETE … RETURNING).
CREATE TABLE kiosk_page_token (
    token_hash  TEXT    NOT NULL PRIMARY KEY,
    kiosk       TEXT    NOT NULL,
    expires_at  BIGINT  NOT NULL
);
CREATE INDEX kiosk_page_token_by_expiry ON kiosk_page_token (expires_at);

-- The broker nodes and their heartbeats; a node whose heartbeat is older than the stale limit counts as gone, with
-- its kiosk connections. https_ca_pin: the pin of the CA at the end of the node's HTTPS chain, which its enrollment
-- tokens carry; a node whose pin differs from a live node's refuses to start.
CREATE TABLE broker_node (
    node          TEXT    NOT NULL PRIMARY KEY,
    started_at    BIGINT  NOT NULL,
    heartbeat_at  BIGINT  NOT NULL,
    https_ca_pin  TEXT    NOT NULL
);

-- Which node holds an MQTT connection of which kiosk now (its embedded MQTT broker's lifecycle events).
CREATE TABLE kiosk_connection (
    kiosk         TEXT    NOT NULL,
    node          TEXT    NOT NULL,
    connected_at  BIGINT  NOT NULL,
    PRIMARY KEY (kiosk, node)
);
