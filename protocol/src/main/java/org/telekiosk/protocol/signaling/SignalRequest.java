package org.telekiosk.protocol.signaling;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Objects;

/**
 * What a browser (doctor console or kiosk/patient page) sends to the broker on {@code wss://<broker>/ws/signal},
 * as JSON text frames. The first message must be {@link Hello} (or {@link Ping}); who may send which message in
 * which state is in {@code protocol/README.md}, "Signaling".
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = SignalRequest.Hello.class, name = "hello"),
    @JsonSubTypes.Type(value = SignalRequest.Ready.class, name = "ready"),
    @JsonSubTypes.Type(value = SignalRequest.Admit.class, name = "admit"),
    @JsonSubTypes.Type(value = SignalRequest.Offer.class, name = "offer"),
    @JsonSubTypes.Type(value = SignalRequest.Answer.class, name = "answer"),
    @JsonSubTypes.Type(value = SignalRequest.IceCandidate.class, name = "ice-candidate"),
    @JsonSubTypes.Type(value = SignalRequest.IceRestart.class, name = "ice-restart"),
    @JsonSubTypes.Type(value = SignalRequest.Leave.class, name = "leave"),
    @JsonSubTypes.Type(value = SignalRequest.End.class, name = "end"),
    @JsonSubTypes.Type(value = SignalRequest.Ping.class, name = "ping"),
    @JsonSubTypes.Type(value = SignalRequest.MediaReport.class, name = "media-report"),
    @JsonSubTypes.Type(value = SignalRequest.Quality.class, name = "quality"),
    @JsonSubTypes.Type(value = SignalRequest.Chat.class, name = "chat"),
    @JsonSubTypes.Type(value = SignalRequest.Check.class, name = "check"),
    @JsonSubTypes.Type(value = SignalRequest.JoinTime.class, name = "join-time"),
})
public sealed interface SignalRequest {
    /**
     * The protocol version this module speaks: 2, which adds {@link Check} and the waiting room's {@code check} to
     * version 1. A broker of this version also accepts version 1 clients and speaks version 1 to them.
     */
    int PROTOCOL_VERSION = 2;
    /** The oldest protocol version a broker of this version still speaks. */
    int OLDEST_PROTOCOL_VERSION = 1;
    /** The longest SDP accepted, in characters (an audio+video offer with many codecs is about 6,000). */
    int MAX_SDP = 32_768;

    /** Authenticates the connection; answered with {@link SignalEvent.Welcome} or an error and a close. */
    record Hello(int protocolVersion, Credential credential) implements SignalRequest {
        public Hello {
            Fields.range("protocolVersion", protocolVersion, 1, 1_000);
            Objects.requireNonNull(credential, "credential");
        }
    }

    /** A patient reports their readiness (again whenever it changes); shown in the doctor's waiting room. */
    record Ready(Readiness readiness) implements SignalRequest {
        public Ready {
            Objects.requireNonNull(readiness, "readiness");
        }
    }

    /**
     * A patient's page reports its pre-call check's results (protocol version 2): after {@code welcome} once it has
     * run the check, again after every later {@code welcome} and whenever the check was run again. Shown to the doctor
     * in the waiting room ({@link WaitingPatient#check}); a version 1 connection may not send it.
     */
    record Check(PreCallCheck result) implements SignalRequest {
        public Check {
            Objects.requireNonNull(result, "result");
        }
    }

    /** The doctor admits one waiting patient into the call. */
    record Admit(String participant) implements SignalRequest {
        public Admit {
            Fields.id("participant", participant);
        }
    }

    /** The doctor's SDP offer (RFC 8829 §5.2), relayed to the admitted patient. The doctor always offers. */
    record Offer(String sdp) implements SignalRequest {
        public Offer {
            Fields.text("sdp", sdp, 1, MAX_SDP, true);
        }
    }

    /** The patient's SDP answer (RFC 8829 §5.3) to the latest offer, relayed to the doctor. */
    record Answer(String sdp) implements SignalRequest {
        public Answer {
            Fields.text("sdp", sdp, 1, MAX_SDP, true);
        }
    }

    /**
     * A trickled ICE candidate (RFC 8838) for the peer: {@code candidate} as in {@code RTCIceCandidate.candidate}
     * (empty for end-of-candidates), its media stream id and m-line index.
     */
    record IceCandidate(String candidate, String sdpMid, int sdpMLineIndex) implements SignalRequest {
        public IceCandidate {
            Fields.text("candidate", candidate, 0, 1_024, false);
            Fields.text("sdpMid", sdpMid, 0, 64, false);
            Fields.range("sdpMLineIndex", sdpMLineIndex, 0, 63);
        }
    }

    /** Asks the doctor's side to restart ICE (RFC 8445 §9) with a new offer; sent by a patient whose path broke. */
    record IceRestart() implements SignalRequest {}

    /** A patient leaves: gives up their seat for good (a new code is needed to come back). */
    record Leave() implements SignalRequest {}

    /** The doctor ends the consultation for everyone. */
    record End() implements SignalRequest {}

    /** Liveness and round-trip check, answered with {@link SignalEvent.Pong} carrying the same nonce. */
    record Ping(String nonce) implements SignalRequest {
        public Ping {
            Fields.nonce(nonce);
        }
    }

    /**
     * How this page's media flows now, read from its own {@code RTCPeerConnection.getStats()} (W3C webrtc-stats):
     * the transport's selected candidate pair and the DTLS certificates on both ends. Sent by the doctor and by the
     * patient in the call whenever it changes; the broker keeps it in the consultation's record and compares the
     * fingerprints with those of the SDPs it relayed (RFC 8122 {@code a=fingerprint}). No media, no addresses.
     *
     * @param path                {@code "direct"} (peer to peer) or {@code "relay"} (through TURN): relay exactly
     *                            when either candidate of the pair is of type relay
     * @param protocol            the local candidate's transport to its peer or TURN server: udp, tcp or tls
     * @param localCandidateType  host, srflx, prflx or relay
     * @param remoteCandidateType host, srflx, prflx or relay
     * @param localFingerprint    this page's certificate: {@code fingerprintAlgorithm + " " + fingerprint}, as in
     *                            an SDP {@code a=fingerprint} line, e.g. {@code "sha-256 4A:AD:…"}
     * @param remoteFingerprint   the peer's certificate, likewise
     */
    record MediaReport(String path, String protocol, String localCandidateType, String remoteCandidateType,
            String localFingerprint, String remoteFingerprint) implements SignalRequest {
        private static final java.util.Set<String> PATHS = java.util.Set.of("direct", "relay");
        private static final java.util.Set<String> PROTOCOLS = java.util.Set.of("udp", "tcp", "tls");
        private static final java.util.Set<String> TYPES = java.util.Set.of("host", "srflx", "prflx", "relay");
        private static final java.util.regex.Pattern FINGERPRINT = java.util.regex.Pattern.compile(
                "(sha-1|sha-224|sha-256|sha-384|sha-512) [0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){15,63}");

        public MediaReport {
            oneOf("path", path, PATHS);
            oneOf("protocol", protocol, PROTOCOLS);
            oneOf("localCandidateType", localCandidateType, TYPES);
            oneOf("remoteCandidateType", remoteCandidateType, TYPES);
            fingerprint("localFingerprint", localFingerprint);
            fingerprint("remoteFingerprint", remoteFingerprint);
            boolean relayed = localCandidateType.equals("relay") || remoteCandidateType.equals("relay");
            if (relayed != path.equals("relay")) {
                throw new IllegalArgumentException("path must be 'relay' exactly when a candidate of the pair is of"
                        + " type relay");
            }
        }

        private static void oneOf(String field, String value, java.util.Set<String> allowed) {
            if (value == null || !allowed.contains(value)) {
                throw new IllegalArgumentException(field + " must be one of " + new java.util.TreeSet<>(allowed));
            }
        }

        private static void fingerprint(String field, String value) {
            if (value == null || !FINGERPRINT.matcher(value).matches()) {
                throw new IllegalArgumentException(field + " must be '<hash function> <hex pairs with colons>', as"
                        + " in an SDP a=fingerprint line (RFC 8122)");
            }
        }
    }

    /**
     * The doctor's page moved the call to another rung of the degradation ladder (or pinned one): relayed to the
     * patient in the call as {@link SignalEvent.Quality}, so both pages apply the same rung, and told to the broker's
     * rung listeners. {@code reason} is a short machine-made explanation ("loss 6 %, rtt 420 ms"), never free text of
     * a person.
     */
    record Quality(Rung rung, String reason, boolean pinned) implements SignalRequest {
        public Quality {
            Objects.requireNonNull(rung, "rung");
            Fields.text("reason", reason, 0, 120, false);
        }
    }

    /**
     * A chat line for the other participant of the call. Relayed only, never stored or logged. Longer than
     * {@link #MAX_CHAT_CHARS} is refused with {@code chat-too-long} (the socket stays open).
     */
    record Chat(String text) implements SignalRequest {
        public Chat {
            Fields.text("text", text, 1, 65_536, true);
        }

        @Override
        public String toString() {
            return "Chat[text=(" + text.length() + " characters)]";
        }
    }

    /**
     * How long this patient's page took to join, measured on the page's monotonic clock ({@code performance.now()})
     * and sent once, when its media first connected. Counted in the broker's {@code telekiosk_join_seconds} and
     * {@code telekiosk_join_media_seconds} histograms, once per seat; nothing else is kept of it.
     *
     * @param millis      from the code entered (the kiosk page: from its call-in) to media connected, including the
     *                    pre-call check and the wait for the doctor; 0 to {@link #MAX_MILLIS}
     * @param mediaMillis from {@code admitted} to media connected (ICE, TURN, DTLS): 0 to {@link #MAX_MEDIA_MILLIS}
     *                    and not more than {@code millis}
     */
    record JoinTime(int millis, int mediaMillis) implements SignalRequest {
        /** Six hours: a patient waits no longer than a consultation's day. */
        public static final int MAX_MILLIS = 21_600_000;
        /** Thirty minutes: a media path that took longer was not a join but a repair. */
        public static final int MAX_MEDIA_MILLIS = 1_800_000;

        public JoinTime {
            Fields.range("millis", millis, 0, MAX_MILLIS);
            Fields.range("mediaMillis", mediaMillis, 0, MAX_MEDIA_MILLIS);
            if (mediaMillis > millis) {
                throw new IllegalArgumentException("mediaMillis must not be more than millis");
            }
        }
    }

    /** The longest chat line relayed, in characters (UTF-16 code units, as JavaScript's {@code length}). */
    int MAX_CHAT_CHARS = 500;
}
