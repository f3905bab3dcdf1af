package org.telekiosk.protocol.viewer;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.regex.Pattern;

/** What a browser may send to the broker on the viewer WebSocket, as JSON text frames. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ViewerRequest.Ping.class, name = "ping"),
})
public sealed interface ViewerRequest {

    /** Liveness and round-trip check; the broker answers with a {@link ViewerEvent.Pong} with the same nonce. */
    record Ping(String nonce) implements ViewerRequest {
        private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{1,64}");

        public Ping {
            checkNonce(nonce);
        }

        static void checkNonce(String nonce) {
            if (nonce == null || !NONCE.matcher(nonce).matches()) {
                throw new IllegalArgumentException("nonce must be 1-64 of A-Z, a-z, 0-9, '_' and '-'");
            }
        }
    }
}
