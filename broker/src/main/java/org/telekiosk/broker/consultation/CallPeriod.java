package org.telekiosk.broker.consultation;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.protocol.KioskId;

/**
 * One patient's time in a consultation's call: from the doctor's admission until they left, lost their seat or the
 * consultation ended ({@code leftAt} is empty while they are in the call). With the kiosk they sat at, this is what
 * links a kiosk's readings to a consultation (the FHIR export, {@code docs/fhir.md}).
 */
public record CallPeriod(ConsultationId consultation, ParticipantId participant, Optional<KioskId> kiosk,
        Instant admittedAt, Optional<Instant> leftAt) {
    public CallPeriod {
        Objects.requireNonNull(consultation, "consultation");
        Objects.requireNonNull(participant, "participant");
        Objects.requireNonNull(kiosk, "kiosk");
        Objects.requireNonNull(admittedAt, "admittedAt");
        Objects.requireNonNull(leftAt, "leftAt");
        if (leftAt.isPresent() && leftAt.get().isBefore(admittedAt)) {
            throw new IllegalArgumentException("leftAt " + leftAt.get() + " is before admittedAt " + admittedAt);
        }
    }

    /** The end of the period as seen at {@code now}: when they left, or {@code now} while they are in the call. */
    public Instant endAt(Instant now) {
        return leftAt.orElse(now.isBefore(admittedAt) ? admittedAt : now);
    }

    CallPeriod left(Instant at) {
        return leftAt.isPresent() ? this : new CallPeriod(consultation, participant, kiosk, admittedAt,
                Optional.of(at.isBefore(admittedAt) ? admittedAt : at));
    }
}
