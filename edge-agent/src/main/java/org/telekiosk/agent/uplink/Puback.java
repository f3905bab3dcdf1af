package org.telekiosk.agent.uplink;

/**
 * What a PUBACK with a success reason code (below {@code 0x80}, MQTT 5 §3.4.2.1) said about a publish: that the MQTT
 * broker took it, or, on a connection whose CONNACK granted the PUBACK as the store acknowledgement ({@code
 * telekiosk-ack} = {@code puback}, protocol/README.md), that the broker's store holds it.
 */
public enum Puback {
    /** The MQTT broker took it; only a store-ack covering it says it is stored. */
    TAKEN,
    /** The broker's store holds it (committed, or had it already): it may be deleted. */
    STORED
}
