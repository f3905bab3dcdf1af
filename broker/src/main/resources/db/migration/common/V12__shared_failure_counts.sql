-- Failure counts of the guessing limits (login failures per name and per address, wrong join codes per address),
-- shared by the broker nodes on one PostgreSQL (issue 17): with the counts in each node's memory, N nodes gave an
-- attacker N times the guesses. Written only for failures (and deleted by a success that proves the key's owner).
-- The key is the SHA-256 of the login name or address, not the name or address. Single-node SQLite brokers keep the
-- counts in memory and leave this table empty. Instants are BIGINT epoch nanoseconds.
CREATE TABLE failure_count (
    scope         TEXT     NOT NULL,  -- login-name, login-address, join-code-address
    key_hash      TEXT     NOT NULL,  -- hex SHA-256 of the key
    failures      INTEGER  NOT NULL,
    last_failure  BIGINT   NOT NULL,
    locked_until  BIGINT   NOT NULL,
    PRIMARY KEY (scope, key_hash)
);
CREATE INDEX failure_count_by_last_failure ON failure_count (last_failure);
