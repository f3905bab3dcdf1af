package org.telekiosk.broker.record;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * One line of a consultation's record: when, what, about whom (a role and, for a patient, their seat's random id).
 * {@code detail} is the rung of a {@link Kind#RUNG}, the reason of an {@link Kind#ENDED}, the results of a
 * {@link Kind#PATIENT_CHECKED} ({@code camera=picture microphone=heard speaker=heard rtt-ms=120 down-kbps=1800}), else
 * empty; never content.
 */
public record RecordEvent(Instant at, Kind kind, Party party, String participant, String detail) {
    /** What happened. */
    public enum Kind {
        DOCTOR_JOINED, DOCTOR_LEFT, PATIENT_JOINED, PATIENT_ADMITTED, PATIENT_DROPPED, PATIENT_RESUMED, PATIENT_LEFT,
        PATIENT_RELEASED, PATIENT_CHECKED, RUNG, ENDED;

        /** Lower case with dashes, e.g. {@code patient-admitted}: the database's and the export's spelling. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Kind fromWire(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /** The longest detail, in characters (a pre-call check's results are at most 92). */
    public static final int MAX_DETAIL = 128;

    public RecordEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(party, "party");
        Objects.requireNonNull(participant, "participant");
        Objects.requireNonNull(detail, "detail");
        if (detail.length() > MAX_DETAIL) {
            throw new IllegalArgumentException("detail must be at most " + MAX_DETAIL + " characters");
        }
    }
}
