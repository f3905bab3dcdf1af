-- The kiosks' online state as the kiosks announce it over an external MQTT broker (issue 17; mqtt.external-host),
-- where no broker node sees the kiosks' connections: each kiosk publishes a `presence` message `online` after its
-- CONNACK, and its MQTT 5 Will Message says `offline` (protocol/README.md, "presence"). Whichever node the shared
-- subscription hands a message to writes it here. `connection` is the kiosk's connection number: a message of an
-- older connection than the one recorded changes nothing, and for the same connection `offline` wins, so that the
-- Will of a connection that two nodes handle out of order never hides the next connection. Instants are BIGINT
-- epoch nanoseconds.
CREATE TABLE kiosk_presence (
    kiosk       TEXT     NOT NULL PRIMARY KEY,
    connection  BIGINT   NOT NULL,
    online      INTEGER  NOT NULL,  -- 1 online, 0 offline
    changed_at  BIGINT   NOT NULL
);
