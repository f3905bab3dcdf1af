-- Signaling across broker nodes (issue 17, phase 2). Instants are BIGINT epoch nanoseconds.

-- The node whose signaling socket holds a seat now (its broker_node name); NULL for seats taken before this
-- migration or on a single node without a name. A node that starts marks only its own seats (and NULL ones) as
-- dropped, so that its restart does not disturb the other nodes' calls.
ALTER TABLE seat ADD COLUMN node TEXT;

-- The home node of a consultation's signaling room: the node that keeps the room (doctor, seats, outboxes, the
-- offer/answer state) in memory; sockets on other nodes are relayed to it (PostgreSQL LISTEN/NOTIFY). Claimed by
-- the first node a participant connects to, taken over from a node whose heartbeat is stale, deleted by the home
-- when the room empties.
CREATE TABLE signaling_home (
    consultation_id  TEXT    NOT NULL PRIMARY KEY,
    node             TEXT    NOT NULL,
    claimed_at       BIGINT  NOT NULL
);

-- Relayed signaling messages too large for a NOTIFY payload (8000 bytes; an SDP offer may be larger): the
-- notification carries the row's id, the receiving node reads and deletes the row.
CREATE TABLE signaling_relay (
    id       ${serial_key},
    channel  TEXT    NOT NULL,  -- the receiving node's channel
    payload  TEXT    NOT NULL
);
