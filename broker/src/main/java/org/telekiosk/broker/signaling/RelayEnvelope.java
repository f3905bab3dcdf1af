package org.telekiosk.broker.signaling;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * One message {@link NodeRelay} sends between broker nodes, as JSON; which fields are set depends on {@code kind}.
 * Unknown fields are ignored, so that a node of the next version may add some.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record RelayEnvelope(String kind, String from, String conn, String consultation, String participant, String session,
        String status, Long lastSeen, Boolean resumed, String address, String message, Integer code,
        String reason, Integer version) {
    // The socket's node to the home.
    static final String DOCTOR = "doctor";
    static final String PATIENT = "patient";
    static final String REQUEST = "request";
    static final String CLOSED = "closed";
    // The home to the socket's node.
    static final String EVENT = "event";
    static final String CLOSE = "close";
    static final String MOVED = "moved";
    // Any node to the home, and to all.
    static final String END = "end";
    static final String RESTARTED = "restarted";

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    static RelayEnvelope of(String kind, String from, String conn) {
        return new RelayEnvelope(kind, from, conn, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** This envelope carrying {@code json}, a signaling request or event. */
    RelayEnvelope message(String json) {
        return new RelayEnvelope(kind, from, conn, consultation, participant, session, status, lastSeen, resumed,
                address, json, code, reason, version);
    }

    static RelayEnvelope decode(String payload) throws IOException {
        return JSON.readValue(payload, RelayEnvelope.class);
    }

    String encode() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a relay envelope", e);
        }
    }
}
