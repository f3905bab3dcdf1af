package org.telekiosk.broker.consultation;

import java.time.Duration;
import java.util.Objects;

/**
 * Why a consultation operation was refused. Each has a stable {@link #code()} for the wire; the transport maps them
 * to HTTP statuses or signaling error messages (suggested status in each comment).
 */
public sealed interface Refusal {
    String code();

    /** No caller identity at all (401). */
    record NotAuthenticated() implements Refusal {
        public String code() {
            return "not-authenticated";
        }
    }

    /** The caller's role may never do this (403). */
    record Forbidden() implements Refusal {
        public String code() {
            return "forbidden";
        }
    }

    /** No such consultation or participant for this caller; another doctor's consultation looks like none (404). */
    record NotFound() implements Refusal {
        public String code() {
            return "not-found";
        }
    }

    /** The consultation's state does not allow the action (409). */
    record IllegalTransition(ConsultationState state, ConsultationAction action) implements Refusal {
        public IllegalTransition {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(action, "action");
        }

        public String code() {
            return "illegal-transition";
        }
    }

    /** The consultation's access window is over (410). */
    record AccessExpired() implements Refusal {
        public String code() {
            return "access-expired";
        }
    }

    /** Not a valid join code: never says whether it is unknown, used, expired or malformed (400). */
    record InvalidCode() implements Refusal {
        public String code() {
            return "invalid-code";
        }
    }

    /** Too many wrong codes from this address or overall; try again after {@code retryAfter} (429). */
    record Throttled(Duration retryAfter) implements Refusal {
        public Throttled {
            Objects.requireNonNull(retryAfter, "retryAfter");
        }

        public String code() {
            return "throttled";
        }
    }

    /** The seat was released after its grace period; the patient needs a new code (410). */
    record SeatReleased() implements Refusal {
        public String code() {
            return "seat-released";
        }
    }

    /** The request itself is out of bounds (400); {@code message} says which. */
    record InvalidRequest(String message) implements Refusal {
        public InvalidRequest {
            Objects.requireNonNull(message, "message");
        }

        public String code() {
            return "invalid-request";
        }
    }

    /** The request clashes with the current state of things (409); {@code message} says how. */
    record Conflict(String message) implements Refusal {
        public Conflict {
            Objects.requireNonNull(message, "message");
        }

        public String code() {
            return "conflict";
        }
    }
}
