package org.telekiosk.protocol.telemetry;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a kiosk knows of one configured sensor. */
public enum SensorState {
    /** It answered its probe (part id or handshake) and its last reading was valid. */
    @JsonProperty("present")
    PRESENT,
    /** It does not answer at all: not plugged in, no power, wrong address or pins. */
    @JsonProperty("absent")
    ABSENT,
    /** It answers, but wrongly: checksum errors, error flags, impossible values. */
    @JsonProperty("faulty")
    FAULTY
}
