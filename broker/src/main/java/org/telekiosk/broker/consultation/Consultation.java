package org.telekiosk.broker.consultation;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.telekiosk.broker.account.AccountId;
import org.telekiosk.broker.request.ConsultationId;

/**
 * A consultation as stored. {@code accessUntil} bounds every patient access (codes, seats, resumes): KBV Anlage 31b
 * BMV-Ä allows at most one month, {@link ConsultationPolicy} sets the default much shorter.
 */
public record Consultation(ConsultationId id, AccountId doctor, ConsultationTarget target, ConsultationState state,
        Instant createdAt, Instant accessUntil, Optional<Instant> endedAt) {
    public Consultation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(doctor, "doctor");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(accessUntil, "accessUntil");
        Objects.requireNonNull(endedAt, "endedAt");
    }

    public Consultation withState(ConsultationState next, Instant now) {
        return new Consultation(id, doctor, target, next, createdAt, accessUntil,
                next == ConsultationState.ENDED ? Optional.of(now) : endedAt);
    }

    /** Whether patients may no longer reach it at {@code now}: ended, or past its access window. */
    public boolean closedAt(Instant now) {
        return state == ConsultationState.ENDED || !now.isBefore(accessUntil);
    }
}
