package org.telekiosk.protocol.viewer;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** What the broker sends to a browser on the viewer WebSocket, as JSON text frames. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ViewerEvent.Welcome.class, name = "welcome"),
    @JsonSubTypes.Type(value = ViewerEvent.Reading.class, name = "reading"),
    @JsonSubTypes.Type(value = ViewerEvent.Waveform.class, name = "waveform"),
    @JsonSubTypes.Type(value = ViewerEvent.Status.class, name = "status"),
    @JsonSubTypes.Type(value = ViewerEvent.Pong.class, name = "pong"),
    @JsonSubTypes.Type(value = ViewerEvent.Error.class, name = "error"),
})
public sealed interface ViewerEvent {

    /** First frame after the WebSocket opens. */
    record Welcome(int protocolVersion, String server) implements ViewerEvent {
        public Welcome {
            if (protocolVersion < 1) {
                throw new IllegalArgumentException("protocolVersion must be at least 1");
            }
            java.util.Objects.requireNonNull(server, "server");
        }
    }

    /** A measurement that reached the broker, exactly as the kiosk sent it. */
    record Reading(org.telekiosk.protocol.telemetry.Measurement measurement) implements ViewerEvent {
        public Reading {
            java.util.Objects.requireNonNull(measurement, "measurement");
        }
    }

    /** A batch of waveform samples that reached the broker, exactly as the kiosk sent it. */
    record Waveform(org.telekiosk.protocol.telemetry.WaveformBatch batch) implements ViewerEvent {
        public Waveform {
            java.util.Objects.requireNonNull(batch, "batch");
        }
    }

    /** A kiosk's latest status, exactly as the kiosk sent it. */
    record Status(org.telekiosk.protocol.telemetry.KioskStatus status) implements ViewerEvent {
        public Status {
            java.util.Objects.requireNonNull(status, "status");
        }
    }

    /** The answer to a {@link ViewerRequest.Ping}, carrying its nonce. */
    record Pong(String nonce) implements ViewerEvent {
        public Pong {
            ViewerRequest.Ping.checkNonce(nonce);
        }
    }

    /**
     * A request was refused. {@code code} is one of the stable codes of
     * {@link org.telekiosk.protocol.MalformedMessageException.Reason}; the socket stays open unless a close frame
     * follows.
     */
    record Error(String code, String message) implements ViewerEvent {
        public Error {
            java.util.Objects.requireNonNull(code, "code");
            java.util.Objects.requireNonNull(message, "message");
        }
    }
}
