package org.telekiosk.broker.consultation;

import java.time.Instant;
import java.util.Optional;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.request.Refusal;

/**
 * Who may touch a consultation (DESIGN.md, "Security model": every operation checks the caller's role and its
 * relation to the session). A consultation belongs to the doctor who created it, and a code leads only to that
 * doctor (KBV Anlage 31b BMV-Ä); admins and technicians see no consultation. Another doctor's consultation is
 * answered as if it did not exist, so that ids cannot be probed.
 */
final class ConsultationAccess {
    private final ConsultationRepository consultations;
    private final SeatRepository seats;

    ConsultationAccess(ConsultationRepository consultations, SeatRepository seats) {
        this.consultations = consultations;
        this.seats = seats;
    }

    /** The consultation if {@code caller} is its doctor, else why not. */
    Outcome<Consultation> asDoctor(Caller caller, ConsultationId id) {
        return switch (caller) {
            case Caller.Anonymous anonymous -> Outcome.refused(new Refusal.NotAuthenticated());
            case Caller.Patient patient -> Outcome.refused(new Refusal.Forbidden());
            case Caller.Kiosk kiosk -> Outcome.refused(new Refusal.Forbidden());
            case Caller.Staff staff when staff.account().role() != Role.DOCTOR ->
                    Outcome.refused(new Refusal.Forbidden());
            case Caller.Staff staff -> consultations.find(id)
                    .filter(c -> c.doctor().equals(staff.account().id()))
                    .<Outcome<Consultation>>map(Outcome::done)
                    .orElseGet(() -> Outcome.refused(new Refusal.NotFound()));
        };
    }

    /** The patient's seat if {@code caller} is a patient holding one, else why not. */
    Outcome<Seat> asPatient(Caller caller) {
        return switch (caller) {
            case Caller.Anonymous anonymous -> Outcome.refused(new Refusal.NotAuthenticated());
            case Caller.Staff staff -> Outcome.refused(new Refusal.Forbidden());
            case Caller.Kiosk kiosk -> Outcome.refused(new Refusal.Forbidden());
            case Caller.Patient patient -> seats.find(patient.participant())
                    .filter(seat -> seat.consultation().equals(patient.consultation()))
                    .<Outcome<Seat>>map(Outcome::done)
                    .orElseGet(() -> Outcome.refused(new Refusal.SeatReleased()));
        };
    }

    /** Refuses {@code action} on {@code consultation} at {@code now} if its state or access window forbids it. */
    static Optional<Refusal> check(Consultation consultation, ConsultationAction action, Instant now) {
        if (!consultation.state().permits(action)) {
            return Optional.of(new Refusal.IllegalTransition(consultation.state(), action));
        }
        if (action != ConsultationAction.END && consultation.closedAt(now)) {
            return Optional.of(new Refusal.AccessExpired());
        }
        return Optional.empty();
    }
}
