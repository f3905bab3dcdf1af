package org.telekiosk.broker.request;

import java.util.Objects;
import java.util.UUID;

/** One patient's seat in a consultation, from redeeming a code or being called in until they leave or lose it. */
public record ParticipantId(UUID value) {
    public ParticipantId {
        Objects.requireNonNull(value, "value");
    }

    public static ParticipantId random() {
        return new ParticipantId(UUID.randomUUID());
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
