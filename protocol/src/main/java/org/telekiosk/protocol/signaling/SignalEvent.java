package org.telekiosk.protocol.signaling;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Objects;

/**
 * What the broker sends to a browser on {@code wss://<broker>/ws/signal}, as JSON text frames. Events that carry
 * state ({@link Numbered}) have a message number {@code seq}, counting from 1 per participant; a patient who resumes
 * names the last one they saw and gets the later ones again. {@link Welcome}, {@link Pong} and {@link Error} are
 * answers to this connection only and are not numbered.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = SignalEvent.Welcome.class, name = "welcome"),
    @JsonSubTypes.Type(value = SignalEvent.WaitingRoom.class, name = "waiting-room"),
    @JsonSubTypes.Type(value = SignalEvent.Admitted.class, name = "admitted"),
    @JsonSubTypes.Type(value = SignalEvent.Participants.class, name = "participants"),
    @JsonSubTypes.Type(value = SignalEvent.Offer.class, name = "offer"),
    @JsonSubTypes.Type(value = SignalEvent.Answer.class, name = "answer"),
    @JsonSubTypes.Type(value = SignalEvent.IceCandidate.class, name = "ice-candidate"),
    @JsonSubTypes.Type(value = SignalEvent.IceRestart.class, name = "ice-restart"),
    @JsonSubTypes.Type(value = SignalEvent.Ended.class, name = "ended"),
    @JsonSubTypes.Type(value = SignalEvent.Pong.class, name = "pong"),
    @JsonSubTypes.Type(value = SignalEvent.Error.class, name = "error"),
    @JsonSubTypes.Type(value = SignalEvent.Quality.class, name = "quality"),
    @JsonSubTypes.Type(value = SignalEvent.Chat.class, name = "chat"),
})
public sealed interface SignalEvent {

    /** An event with a message number, kept for replay after a resume. */
    sealed interface Numbered extends SignalEvent {
        long seq();
    }

    /** Where a patient's seat stands. */
    enum SeatStatus {
        @JsonProperty("waiting") WAITING,
        @JsonProperty("in-call") IN_CALL
    }

    /**
     * The connection is authenticated. For a patient, {@code participant} is their seat and {@code resumeToken} the
     * secret to resume it after a drop (a new one with every welcome; the old one is spent). For the doctor,
     * {@code participant} and {@code resumeToken} are empty: they reconnect with their login session.
     * {@code lastSeq} is the highest message number sent to this participant so far (replayed events follow).
     */
    record Welcome(int protocolVersion, String consultation, Participant.Role role, String participant,
            String resumeToken, SeatStatus status, long lastSeq) implements SignalEvent {
        public Welcome {
            Fields.range("protocolVersion", protocolVersion, 1, 1_000);
            Fields.id("consultation", consultation);
            Objects.requireNonNull(role, "role");
            if (!participant.isEmpty()) {
                Fields.id("participant", participant);
            }
            if (!resumeToken.isEmpty()) {
                Fields.token("resumeToken", resumeToken);
            }
            Objects.requireNonNull(status, "status");
            if (lastSeq < 0) {
                throw new IllegalArgumentException("lastSeq must not be negative");
            }
        }

        @Override
        public String toString() {
            return "Welcome[consultation=" + consultation + ", role=" + role + ", participant=" + participant
                    + ", resumeToken=(redacted), status=" + status + ", lastSeq=" + lastSeq + "]";
        }
    }

    /** To the doctor: everyone waiting now, first come first (sent on every change). */
    record WaitingRoom(long seq, List<WaitingPatient> patients) implements Numbered {
        public WaitingRoom {
            Fields.seq(seq);
            patients = List.copyOf(patients);
        }
    }

    /**
     * The call starts (or its ICE servers are renewed): to the admitted patient and to the doctor. Configure the
     * peer connection with these ICE servers and policy ({@code "all"} or {@code "relay"}).
     */
    record Admitted(long seq, List<IceServer> iceServers, String iceTransportPolicy) implements Numbered {
        public Admitted {
            Fields.seq(seq);
            iceServers = List.copyOf(iceServers);
            if (!iceTransportPolicy.equals("all") && !iceTransportPolicy.equals("relay")) {
                throw new IllegalArgumentException("iceTransportPolicy must be 'all' or 'relay'");
            }
        }
    }

    /** Everyone in the call by role and name, doctor first; empty when nobody is admitted. */
    record Participants(long seq, List<Participant> participants) implements Numbered {
        public Participants {
            Fields.seq(seq);
            participants = List.copyOf(participants);
        }
    }

    /** The doctor's offer, to the patient. */
    record Offer(long seq, String sdp) implements Numbered {
        public Offer {
            Fields.seq(seq);
            Fields.text("sdp", sdp, 1, SignalRequest.MAX_SDP, true);
        }
    }

    /** The patient's answer, to the doctor. */
    record Answer(long seq, String sdp) implements Numbered {
        public Answer {
            Fields.seq(seq);
            Fields.text("sdp", sdp, 1, SignalRequest.MAX_SDP, true);
        }
    }

    /** The peer's ICE candidate. */
    record IceCandidate(long seq, String candidate, String sdpMid, int sdpMLineIndex) implements Numbered {
        public IceCandidate {
            Fields.seq(seq);
            Fields.text("candidate", candidate, 0, 1_024, false);
            Fields.text("sdpMid", sdpMid, 0, 64, false);
            Fields.range("sdpMLineIndex", sdpMLineIndex, 0, 63);
        }
    }

    /** To the doctor: make a new offer with ICE restart (the patient resumed or asked for it). */
    record IceRestart(long seq) implements Numbered {
        public IceRestart {
            Fields.seq(seq);
        }
    }

    /** The consultation ended (the doctor ended it) or this patient's seat is gone; the socket closes next. */
    record Ended(long seq, String reason) implements Numbered {
        public Ended {
            Fields.seq(seq);
            Fields.text("reason", reason, 1, 64, false);
        }
    }

    /** The answer to {@link SignalRequest.Ping}. */
    record Pong(String nonce) implements SignalEvent {
        public Pong {
            Fields.nonce(nonce);
        }
    }

    /**
     * A request was refused; {@code code} is one of {@link SignalError}'s stable codes, {@code message} says why in
     * English for developers (pages show their own text per code). A close frame follows for fatal errors.
     */
    record Error(String code, String message) implements SignalEvent {
        public Error {
            Fields.text("code", code, 1, 40, false);
            Fields.text("message", message, 0, 300, false);
        }
    }

    /**
     * The call's rung on the degradation ladder as the doctor's page set it ({@code from} is always the doctor
     * today): to the patient in the call. Numbered, so a patient who resumes learns the rung again.
     */
    record Quality(long seq, Participant.Role from, Rung rung, String reason, boolean pinned) implements Numbered {
        public Quality {
            Fields.seq(seq);
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(rung, "rung");
            Fields.text("reason", reason, 0, 120, false);
        }
    }

    /**
     * A chat line from the other participant of the call. Not numbered and not kept: it is never replayed, stored
     * or logged; a line for someone whose socket is away is refused to its sender ({@code not-delivered}).
     */
    record Chat(Participant.Role from, String text) implements SignalEvent {
        public Chat {
            Objects.requireNonNull(from, "from");
            Fields.text("text", text, 1, SignalRequest.MAX_CHAT_CHARS, true);
        }

        @Override
        public String toString() {
            return "Chat[from=" + from + ", text=(" + text.length() + " characters)]";
        }
    }
}
