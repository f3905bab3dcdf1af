package org.telekiosk.protocol.signaling;

/**
 * The stable codes of {@link SignalEvent.Error} on the signaling socket, and whether each closes it. Codes never
 * change meaning; pages translate them.
 */
public enum SignalError {
    /** The frame is not JSON, or not one message (close 1007). */
    NOT_DECODABLE("not-decodable", CloseCodes.INVALID_PAYLOAD),
    /** The {@code type} (or a credential's {@code kind}) is missing or unknown (close 1007). */
    UNKNOWN_TYPE("unknown-type", CloseCodes.INVALID_PAYLOAD),
    /** A field is missing, null, of the wrong type, out of range, or not allowed (close 1007). */
    INVALID_FIELD("invalid-field", CloseCodes.INVALID_PAYLOAD),
    /** The message exceeds the frame limit (close 1009, no error event: the frame is not read). */
    TOO_LARGE("too-large", CloseCodes.MESSAGE_TOO_BIG),
    /** The client speaks a protocol version the broker does not (close 4400). */
    UNSUPPORTED_VERSION("unsupported-version", CloseCodes.UNSUPPORTED_VERSION),
    /** No or no valid credential: {@code hello} first; a session that is unknown, expired or idle (close 4401). */
    NOT_AUTHENTICATED("not-authenticated", CloseCodes.UNAUTHENTICATED),
    /** Not a valid join code, whatever the reason: unknown, used, expired or malformed (close 4401). */
    INVALID_CODE("invalid-code", CloseCodes.UNAUTHENTICATED),
    /** Too many wrong codes from this address or overall; retry later (close 4429). */
    THROTTLED("throttled", CloseCodes.TOO_MANY),
    /**
     * The resume token's seat was released (its grace period was over, the patient left, or the consultation ended);
     * a new code is needed (close 4410).
     */
    SEAT_RELEASED("seat-released", CloseCodes.GONE),
    /** The consultation's access window is over (close 4410). */
    ACCESS_EXPIRED("access-expired", CloseCodes.GONE),
    /** A kiosk page called in, but its kiosk has no open room consultation: the patient enters a code (close 4410). */
    NO_ROOM_CONSULTATION("no-room-consultation", CloseCodes.GONE),
    /** This account may not use this consultation (another doctor's, or not a doctor) (close 4403). */
    FORBIDDEN("forbidden", CloseCodes.FORBIDDEN),
    /** This message is not one this participant may send (a patient's {@code admit}, say); the socket stays open. */
    NOT_ALLOWED("not-allowed", 0),
    /** Not now: an answer before an offer, an offer before anyone is admitted, a second {@code hello} (stays open). */
    OUT_OF_ORDER("out-of-order", 0),
    /** {@code admit} names nobody waiting in this consultation, or another patient is in the call (stays open). */
    NOT_FOUND("not-found", 0),
    /** The consultation's state does not allow the action, e.g. ending an ended one (stays open). */
    ILLEGAL_TRANSITION("illegal-transition", 0),
    /** More messages than the per-connection rate limit allows (close 4429). */
    RATE_LIMITED("rate-limited", CloseCodes.TOO_MANY),
    /** The account (or kiosk page) already holds as many vitals sockets as it may (close 4429). */
    TOO_MANY_SOCKETS("too-many-sockets", CloseCodes.TOO_MANY),
    /** {@code chat} or {@code quality} from someone who is not in the call (a waiting patient; a doctor alone). */
    NOT_IN_CALL("not-in-call", 0),
    /** A chat line longer than {@code SignalRequest.MAX_CHAT_CHARS}; not relayed (stays open). */
    CHAT_TOO_LONG("chat-too-long", 0),
    /** Chat lines faster than the chat limit (5 at once, then 1 a second); this one is not relayed (stays open). */
    CHAT_RATE_LIMITED("chat-rate-limited", 0),
    /** The other participant's socket is away (dropped, within its grace period); the chat line was not relayed. */
    NOT_DELIVERED("not-delivered", 0);

    private final String code;
    private final int closeCode;

    SignalError(String code, int closeCode) {
        this.code = code;
        this.closeCode = closeCode;
    }

    /** The code as sent on the wire. */
    public String code() {
        return code;
    }

    /** Whether the broker closes the socket after this error. */
    public boolean fatal() {
        return closeCode != 0;
    }

    /** The {@link CloseCodes close code} that follows this error, or 0 when the socket stays open. */
    public int closeCode() {
        return closeCode;
    }
}
