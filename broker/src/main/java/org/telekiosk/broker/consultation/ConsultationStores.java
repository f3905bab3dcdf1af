package org.telekiosk.broker.consultation;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import org.telekiosk.broker.audit.AuditLog;

/**
 * The repositories, locks and audit log that the consultation services share, built once by the composition root
 * and handed to each service, so that they all see the same seats and serialise on the same locks.
 */
public final class ConsultationStores {
    private final ConsultationRepository consultations;
    private final SeatRepository seats;
    private final JoinCodeRepository codes;
    private final ConsultationLocks locks = new ConsultationLocks();
    private final CallEvents calls = new CallEvents();
    private final ConsultationAccess access;
    private final Seating seating;

    public ConsultationStores(ConsultationRepository consultations, SeatRepository seats, JoinCodeRepository codes,
            SecureRandom random, AuditLog audit, Clock clock) {
        this.consultations = new WatchedConsultations(Objects.requireNonNull(consultations, "consultations"), calls);
        this.seats = Objects.requireNonNull(seats, "seats");
        this.codes = Objects.requireNonNull(codes, "codes");
        this.access = new ConsultationAccess(this.consultations, seats);
        this.seating = new Seating(this.consultations, seats, Objects.requireNonNull(random, "random"),
                Objects.requireNonNull(audit, "audit"), Objects.requireNonNull(clock, "clock"), calls);
    }

    /** Where to subscribe to admissions and departures of every consultation on these stores. */
    public CallEvents calls() {
        return calls;
    }

    ConsultationRepository consultations() {
        return consultations;
    }

    SeatRepository seats() {
        return seats;
    }

    JoinCodeRepository codes() {
        return codes;
    }

    ConsultationLocks locks() {
        return locks;
    }

    ConsultationAccess access() {
        return access;
    }

    Seating seating() {
        return seating;
    }
}
