package org.telekiosk.protocol.viewer;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.signaling.SignalError;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/** What the broker sends to a browser on the viewer WebSocket, as JSON text frames. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ViewerEvent.Welcome.class, name = "welcome"),
    @JsonSubTypes.Type(value = ViewerEvent.Reading.class, name = "reading"),
    @JsonSubTypes.Type(value = ViewerEvent.Waveform.class, name = "waveform"),
    @JsonSubTypes.Type(value = ViewerEvent.Status.class, name = "status"),
    @JsonSubTypes.Type(value = ViewerEvent.Pong.class, name = "pong"),
    @JsonSubTypes.Type(value = ViewerEvent.CommandChanged.class, name = "command"),
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
    record Reading(Measurement measurement) implements ViewerEvent {
        public Reading {
            java.util.Objects.requireNonNull(measurement, "measurement");
        }
    }

    /** A batch of waveform samples that reached the broker, exactly as the kiosk sent it. */
    record Waveform(WaveformBatch batch) implements ViewerEvent {
        public Waveform {
            java.util.Objects.requireNonNull(batch, "batch");
        }
    }

    /** A kiosk's latest status, exactly as the kiosk sent it. */
    record Status(KioskStatus status) implements ViewerEvent {
        public Status {
            java.util.Objects.requireNonNull(status, "status");
        }
    }

    /**
     * A measurement command for the kiosk in the call was issued or changed state: the kiosk page guides its
     * patient by it, the doctor's view may follow it. {@code kind} is {@code blood-pressure}, {@code weight},
     * {@code temperature} or {@code ecg}; {@code state} is {@code queued}, {@code running}, {@code done},
     * {@code failed} or {@code expired}; {@code seconds} the ECG's duration (0 for the others); {@code reason} why it
     * failed or expired (empty otherwise); {@code at} when it reached the state (broker clock).
     */
    record CommandChanged(KioskId kiosk, java.util.UUID command, String kind, String state,
            int seconds, String reason, java.time.Instant at) implements ViewerEvent {
        private static final java.util.Set<String> KINDS = java.util.Set.of("blood-pressure", "weight", "temperature",
                "ecg");
        private static final java.util.Set<String> STATES = java.util.Set.of("queued", "running", "done", "failed",
                "expired");

        public CommandChanged {
            java.util.Objects.requireNonNull(kiosk, "kiosk");
            java.util.Objects.requireNonNull(command, "command");
            java.util.Objects.requireNonNull(at, "at");
            if (!KINDS.contains(kind)) {
                throw new IllegalArgumentException("kind must be one of " + KINDS);
            }
            if (!STATES.contains(state)) {
                throw new IllegalArgumentException("state must be one of " + STATES);
            }
            java.util.Objects.requireNonNull(reason, "reason");
            if (seconds < 0 || seconds > 60) {
                throw new IllegalArgumentException("seconds must be 0 to 60");
            }
        }
    }

    /** The answer to a {@link ViewerRequest.Ping}, carrying its nonce. */
    record Pong(String nonce) implements ViewerEvent {
        public Pong {
            ViewerRequest.Ping.checkNonce(nonce);
        }
    }

    /**
     * A request was refused (protocol/README.md, the vitals socket's error codes). {@code code} is a stable code: for
     * a malformed message one of {@link MalformedMessageException.Reason}'s ({@code
     * too-large}, {@code not-decodable}, {@code unknown-type}, {@code invalid-field}; close 1007 follows); for a
     * request the socket may not make one of {@link SignalError}'s: {@code
     * not-authenticated} (no or an unknown session, or no {@code hello} first; close 4401), {@code forbidden} (not
     * the doctor of a consultation with the kiosk's patient in the call; 4403), {@code access-expired} (the
     * consultation ended or its access window closed; 4410), {@code unsupported-version} (4400), or {@code
     * out-of-order} (a second {@code hello}, or a request before {@code hello} was answered; the socket stays open).
     */
    record Error(String code, String message) implements ViewerEvent {
        public Error {
            java.util.Objects.requireNonNull(code, "code");
            java.util.Objects.requireNonNull(message, "message");
        }
    }
}
