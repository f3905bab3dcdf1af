package org.telekiosk.protocol.telemetry;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.telekiosk.protocol.KioskId;

/**
 * Everything a kiosk publishes over MQTT, as CBOR (RFC 8949). Each message is a map whose {@code type} entry names
 * its record; unknown types, unknown fields, duplicate keys and missing fields are refused by the codec.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Measurement.class, name = "measurement"),
    @JsonSubTypes.Type(value = WaveformBatch.class, name = "waveform"),
    @JsonSubTypes.Type(value = KioskStatus.class, name = "status"),
    @JsonSubTypes.Type(value = CommandUpdate.class, name = "command-update"),
    @JsonSubTypes.Type(value = Presence.class, name = "presence"),
})
public sealed interface KioskMessage permits Measurement, WaveformBatch, KioskStatus, CommandUpdate, Presence {
    /** The kiosk that sent the message, as its payload names it (the broker checks it against the topic). */
    KioskId kiosk();
}
