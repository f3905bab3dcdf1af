package org.telekiosk.protocol.telemetry;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;
import org.telekiosk.protocol.KioskId;

/**
 * Whether a kiosk's MQTT connection is up, on the kiosk's {@code status} topic (CBOR, QoS 1, not retained). A kiosk
 * connects with an MQTT 5 Will Message (§3.1.2.5, Will Delay Interval 0) that is this message with {@code offline},
 * and publishes it with {@code online} right after the CONNACK; the MQTT broker publishes the Will when the
 * connection ends without a DISCONNECT of reason 0x00 (a kiosk that was killed or vanished, after 1.5 × its keep-alive
 * at the latest), and a kiosk that closes in order sends DISCONNECT with reason 0x04 "Disconnect with Will Message"
 * (§3.14.2.1) so that it is published then too.
 *
 * <p>The Will is published by the MQTT broker, not the kiosk, and may reach another broker node than the next
 * connection's {@code online}: {@code connection} orders them. It must grow with every connection of the kiosk
 * (across restarts of its software) and is the same in a connection's Will and its {@code online}; a broker node
 * ignores a message whose {@code connection} is lower than the last one it recorded of the kiosk, and for the same
 * connection, {@code offline} wins.
 *
 * @param kiosk      the kiosk; must equal the topic's kiosk
 * @param state      {@code online} or {@code offline}
 * @param connection the number of the kiosk's MQTT connection this is about, at least 1
 */
public record Presence(KioskId kiosk, State state, long connection) implements KioskMessage {
    public Presence {
        Objects.requireNonNull(kiosk, "kiosk");
        Objects.requireNonNull(state, "state");
        if (connection < 1) {
            throw new IllegalArgumentException("connection must be at least 1, was " + connection);
        }
    }

    /** Whether the connection is up. */
    public enum State {
        /** Published by the kiosk right after its CONNACK. */
        @JsonProperty("online")
        ONLINE,
        /** The kiosk's Will: published by the MQTT broker when the connection ended. */
        @JsonProperty("offline")
        OFFLINE
    }
}
