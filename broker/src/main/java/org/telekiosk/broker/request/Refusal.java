package org.telekiosk.broker.request;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.telekiosk.protocol.MalformedMessageException;

/**
 * Why the broker refused a request: the one refusal model of every feature (consultations, accounts, kiosks,
 * commands, enrollment, the kiosks' MQTT connections, publishes and messages). Each carries a stable {@link #code()}
 * and a transport-neutral {@link #kind()}; each transport maps them in one place: HTTP statuses and problem bodies in
 * {@code api.Problems}, signaling errors in {@code signaling.SignalErrors}, MQTT 5 reason codes in
 * {@code mqtt.MqttReasons} (docs/architecture.md, "One refusal model", has the three side by side).
 */
public sealed interface Refusal {
    /** A stable name for the wire and the log. */
    default String code() {
        return switch (this) {
            case NotAuthenticated r -> "not-authenticated";
            case Forbidden r -> "forbidden";
            case NotFound r -> "not-found";
            case IllegalTransition r -> "illegal-transition";
            case AccessExpired r -> "access-expired";
            case InvalidCode r -> "invalid-code";
            case Throttled r -> "throttled";
            case SeatReleased r -> "seat-released";
            case InvalidRequest r -> "invalid-request";
            case Conflict r -> "conflict";
            case KioskCredential r -> r.title().toLowerCase(Locale.ROOT).replace(' ', '-');
            case MalformedMessage r -> r.reason().code();
        };
    }

    /** What sort of refusal: the transport's answer follows from it. */
    default Kind kind() {
        return switch (this) {
            case InvalidCode r -> Kind.INVALID;
            case InvalidRequest r -> Kind.INVALID;
            case NotAuthenticated r -> Kind.NOT_AUTHENTICATED;
            case Forbidden r -> Kind.FORBIDDEN;
            case NotFound r -> Kind.NOT_FOUND;
            case IllegalTransition r -> Kind.CONFLICT;
            case Conflict r -> Kind.CONFLICT;
            case AccessExpired r -> Kind.GONE;
            case SeatReleased r -> Kind.GONE;
            case Throttled r -> Kind.THROTTLED;
            case KioskCredential r -> r.kind;
            case MalformedMessage r -> Kind.INVALID;
        };
    }

    /** What sort of refusal (the HTTP status {@code api.Problems} gives each, for orientation). */
    enum Kind {
        /** The request itself is not acceptable (400). */
        INVALID,
        /** No valid credential (401). */
        NOT_AUTHENTICATED,
        /** The credential is valid but may not do this (403). */
        FORBIDDEN,
        /** Nothing there for this caller (404). */
        NOT_FOUND,
        /** The current state of things does not allow it (409). */
        CONFLICT,
        /** What was asked for is over for good (410). */
        GONE,
        /** Too many attempts; try again later (429). */
        THROTTLED
    }

    /** No caller identity at all. */
    record NotAuthenticated() implements Refusal {}

    /** The caller's role may never do this. */
    record Forbidden() implements Refusal {}

    /** No such consultation or participant for this caller; another doctor's consultation looks like none. */
    record NotFound() implements Refusal {}

    /** The state of the thing asked about ({@code state}, e.g. a consultation's) does not allow {@code action}. */
    record IllegalTransition(Enum<?> state, Enum<?> action) implements Refusal {
        public IllegalTransition {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(action, "action");
        }
    }

    /** The consultation's access window is over. */
    record AccessExpired() implements Refusal {}

    /** Not a valid join code: never says whether it is unknown, used, expired or malformed. */
    record InvalidCode() implements Refusal {}

    /** Too many wrong codes from this address or overall; try again after {@code retryAfter}. */
    record Throttled(Duration retryAfter) implements Refusal {
        public Throttled {
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }

    /** The seat was released after its grace period; the patient needs a new code. */
    record SeatReleased() implements Refusal {}

    /** The request itself is out of bounds; {@code message} says which. */
    record InvalidRequest(String message) implements Refusal {
        public InvalidRequest {
            Objects.requireNonNull(message, "message");
        }
    }

    /** The request clashes with the current state of things; {@code message} says how. */
    record Conflict(String message) implements Refusal {
        public Conflict {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * A kiosk's credential (enrollment token, CSR, client certificate) was not accepted. {@code title} and
     * {@code detail} tell the person at the kiosk what to do (the agent shows them); neither contains a token or a
     * key. The code is the title's words, e.g. {@code unknown-enrollment-token}.
     */
    record KioskCredential(Kind kind, String title, String detail) implements Refusal {
        public KioskCredential {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * A kiosk's message (an MQTT payload) is not one the protocol allows; the code is the protocol's refusal code
     * ({@code protocol/README.md}, "Refused payloads"), e.g. {@code invalid-field}; {@code detail} says what was
     * wrong, one line, no payload.
     */
    record MalformedMessage(MalformedMessageException.Reason reason, String detail) implements Refusal {
        public MalformedMessage {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
