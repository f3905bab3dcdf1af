package org.telekiosk.protocol.topic;

/**
 * The MQTT 5 user property (§3.1.2.11.8 in CONNECT, §3.2.2.3.10 in CONNACK) with which a kiosk and the broker agree
 * that a PUBACK with reason code {@code 0x00} on a reading means "stored" (protocol/README.md, "PUBACK as the store
 * acknowledgement"). A kiosk that can delete a reading on such a PUBACK sends {@value #NAME} = {@value #PUBACK} in its
 * CONNECT; the broker answers with the same pair in the CONNACK only where its PUBACK is sent after the store's
 * commit. Without the pair in the CONNACK a PUBACK means only that the MQTT broker took the message.
 */
public final class AckNegotiation {
    /** The user property's name. */
    public static final String NAME = "telekiosk-ack";
    /** Its one value: "a PUBACK 0x00 on a reading is the store acknowledgement". */
    public static final String PUBACK = "puback";

    private AckNegotiation() {}

    /** Whether a user property is the pair that asks for (in CONNECT) or grants (in CONNACK) this mode. */
    public static boolean isPubackAck(String name, String value) {
        return NAME.equals(name) && PUBACK.equals(value);
    }
}
