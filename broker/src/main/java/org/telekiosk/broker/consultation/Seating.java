package org.telekiosk.broker.consultation;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.AuditEvent;
import org.telekiosk.broker.audit.AuditLog;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.protocol.KioskId;

/**
 * Takes and releases seats and keeps the consultation's state in step with them (see {@link ConsultationState}).
 * Callers hold the consultation's lock and have checked that the action is permitted.
 */
final class Seating {
    private final ConsultationRepository consultations;
    private final SeatRepository seats;
    private final SecureRandom random;
    private final AuditLog audit;
    private final Clock clock;
    private final CallEvents events;

    Seating(ConsultationRepository consultations, SeatRepository seats, SecureRandom random, AuditLog audit,
            Clock clock, CallEvents events) {
        this.events = events;
        this.consultations = consultations;
        this.seats = seats;
        this.random = random;
        this.audit = audit;
        this.clock = clock;
    }

    Joined seat(Consultation consultation, DisplayName name, Optional<KioskId> kiosk) {
        OpaqueToken resumeToken = OpaqueToken.generate(random);
        Seat seat = new Seat(ParticipantId.random(), consultation.id(), name, kiosk, Seat.Status.WAITING,
                resumeToken.hash(), DeviceReadiness.UNKNOWN, clock.instant(), Optional.empty());
        seats.insert(seat);
        follow(consultation.id());
        events.seatChanged(consultation.id(), seat.id(), SeatWatcher.Change.JOINED, seat.joinedAt());
        return new Joined(consultation.id(), seat.id(), name, seat.status(), resumeToken);
    }

    void admit(Seat seat) {
        seats.update(seat.withStatus(Seat.Status.IN_CALL));
        consultations.callStarted(seat, clock.instant());
        follow(seat.consultation());
    }

    void release(Seat seat, AuditAction action, String detail) {
        seats.release(seat.id(), clock.instant());
        // Unconditionally: the caller's copy of the seat may predate its admission; only an open period changes.
        consultations.callEnded(seat.consultation(), Optional.of(seat.id()), clock.instant());
        record(AuditActor.patient(seat.consultation()), action, "participant:" + seat.id(), detail);
        follow(seat.consultation());
        seatChanged(seat.consultation(), seat.id(), action == AuditAction.LEFT ? SeatWatcher.Change.LEFT
                : SeatWatcher.Change.RELEASED);
    }

    /** Tells the seat watchers, now by the clock. */
    void seatChanged(ConsultationId consultation, ParticipantId participant, SeatWatcher.Change change) {
        events.seatChanged(consultation, participant, change, clock.instant());
    }

    void record(AuditActor actor, AuditAction action, String subject, String detail) {
        audit.record(new AuditEvent(clock.instant(), actor, action, subject, detail));
    }

    /** An entry about {@code consultation} whose subject and actor do not name it. */
    void record(ConsultationId consultation, AuditActor actor, AuditAction action, String subject, String detail) {
        audit.record(new AuditEvent(clock.instant(), actor, action, subject, detail, consultation.toString()));
    }

    /** Moves the consultation to the state its seats imply, checking that the move is a legal transition. */
    private void follow(ConsultationId id) {
        Consultation consultation = consultations.find(id).orElseThrow(
                () -> new IllegalStateException("seat of a missing consultation " + id));
        if (consultation.state() == ConsultationState.ENDED) {
            return;
        }
        List<Seat> present = seats.listOf(id);
        ConsultationState next = present.stream().anyMatch(s -> s.status() == Seat.Status.IN_CALL)
                ? ConsultationState.IN_CALL
                : present.isEmpty() ? ConsultationState.SCHEDULED : ConsultationState.WAITING;
        if (next == consultation.state()) {
            return;
        }
        if (!consultation.state().canMoveTo(next)) {
            throw new IllegalStateException("seats imply " + consultation.state() + " -> " + next);
        }
        Instant now = clock.instant();
        consultations.update(consultation.withState(next, now));
    }
}
