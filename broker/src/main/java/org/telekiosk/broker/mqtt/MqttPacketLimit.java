package org.telekiosk.broker.mqtt;

/**
 * The largest MQTT packet the broker's MQTT listener accepts (MQTT 5 §3.2.2.3.6, Maximum Packet Size): the largest
 * payload ({@code mqtt.max-payload-bytes}) plus room for the fixed header, the topic (at most about 100 bytes for a
 * 64-character kiosk id) and properties. HiveMQ announces it in CONNACK and disconnects a client that sends a larger
 * packet with reason 0x95 "packet too large" as soon as it has read the fixed header, before the payload is buffered;
 * the generated Mosquitto configuration sets the same number ({@code max_packet_size}).
 */
public final class MqttPacketLimit {
    /** Fixed header (at most 5 bytes), topic, packet id and properties, generously. */
    public static final int OVERHEAD_BYTES = 4096;

    private MqttPacketLimit() {}

    /** The maximum packet size for a maximum payload of {@code maxPayloadBytes}. */
    public static int forPayload(int maxPayloadBytes) {
        return maxPayloadBytes + OVERHEAD_BYTES;
    }
}
