package org.telekiosk.broker.consultation;

import java.util.List;
import java.util.Objects;

/** A consultation with every period a patient spent in its call, first admitted first. */
public record CallHistory(Consultation consultation, List<CallPeriod> calls) {
    public CallHistory {
        Objects.requireNonNull(consultation, "consultation");
        calls = List.copyOf(calls);
    }
}
