package org.telekiosk.protocol.downlink;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.telekiosk.protocol.topic.Topics;

/**
 * Everything the broker sends a kiosk over MQTT on its downlink topics ({@code telekiosk/v1/to-kiosk/<kiosk-id>/+},
 * {@link Topics#downlink}), as CBOR (RFC 8949). Each message is a map whose {@code type}
 * entry names its record; unknown types, unknown fields, duplicate keys and missing fields are refused by the codec.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = StoreAck.class, name = "store-ack"),
    @JsonSubTypes.Type(value = Command.class, name = "command"),
})
public sealed interface KioskDownlink permits StoreAck, Command {
}
