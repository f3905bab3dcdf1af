package org.telekiosk.broker.request;

import java.util.Objects;
import java.util.UUID;

/** The identity of one consultation, a random UUID (unguessable, so it leaks nothing when it appears in a URL). */
public record ConsultationId(UUID value) {
    public ConsultationId {
        Objects.requireNonNull(value, "value");
    }

    public static ConsultationId random() {
        return new ConsultationId(UUID.randomUUID());
    }

    /** Parses the canonical UUID form; throws {@link IllegalArgumentException} for anything else. */
    public static ConsultationId of(String value) {
        return new ConsultationId(UUID.fromString(value));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
