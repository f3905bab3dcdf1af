package org.telekiosk.protocol.viewer;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.regex.Pattern;
import org.telekiosk.protocol.signaling.Credential;

/**
 * What a browser may send to the broker on the vitals WebSocket ({@code /ws/viewer}), as JSON text frames. The first
 * message must be {@link Hello}: until it is accepted the socket carries nothing but the answer to it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ViewerRequest.Hello.class, name = "hello"),
    @JsonSubTypes.Type(value = ViewerRequest.Ping.class, name = "ping"),
})
public sealed interface ViewerRequest {
    /** The version of the vitals protocol this broker speaks; a {@link Hello} with another is refused. */
    int PROTOCOL_VERSION = 2;

    /**
     * Who is watching, with the signaling socket's credentials: a doctor's login session ({@code cookie}: the
     * {@code tk_session} cookie of the handshake, or {@code session}: the token) for one consultation. Only the
     * consultation's doctor is let in, and sees only the kiosk of the patient in that consultation's call. Patient
     * credentials ({@code code}, {@code resume}) are refused.
     */
    record Hello(int protocolVersion, Credential credential)
            implements ViewerRequest {
        public Hello {
            if (protocolVersion < 1) {
                throw new IllegalArgumentException("protocolVersion must be at least 1");
            }
            java.util.Objects.requireNonNull(credential, "credential");
        }
    }

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
