package org.telekiosk.protocol.signaling;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/** Someone in the call, by role and name. */
public record Participant(Role role, String name) {
    /** A participant's role in a consultation. */
    public enum Role {
        @JsonProperty("doctor") DOCTOR,
        @JsonProperty("patient") PATIENT
    }

    public Participant {
        Objects.requireNonNull(role, "role");
        Fields.text("name", name, 1, 100, false);
    }
}
