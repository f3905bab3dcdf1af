package org.telekiosk.protocol;

/**
 * A message that cannot be accepted: not decodable, too large, of an unknown type, missing a field, or with a field
 * out of range. The message is safe to show to the sender: it never contains more than a short, sanitised excerpt
 * of the input.
 */
public final class MalformedMessageException extends Exception {
    /** Why a message was refused; each has a stable code for error replies and metrics. */
    public enum Reason {
        TOO_LARGE("too-large"),
        NOT_DECODABLE("not-decodable"),
        UNKNOWN_TYPE("unknown-type"),
        INVALID_FIELD("invalid-field"),
        MISMATCH("mismatch");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        /** The stable, lower-case code of this reason, as sent on the wire and used as a metric label. */
        public String code() {
            return code;
        }
    }

    private final Reason reason;

    public MalformedMessageException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
