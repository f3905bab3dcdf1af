package org.telekiosk.broker.consultation;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.telekiosk.broker.account.AccountRepository;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.StoredAccount;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.broker.request.Refusal;

/**
 * The waiting room of a consultation: patients wait (after redeeming a code, or called in at the room's
 * kiosk) and report their kiosk's readiness; the consultation's doctor, and only they, sees the waiting list and
 * admits one patient at a time; everyone in the call is listed by role and name. The doctor's access depends only on
 * their session, never on a seat or a connection, so they cannot be locked out of their own waiting room.
 */
public final class WaitingRoom {
    private static final DisplayName DEFAULT_PATIENT_NAME = DisplayName.of("Patient");

    private final ConsultationStores stores;
    private final AccountRepository accounts;
    private final Clock clock;

    public WaitingRoom(ConsultationStores stores, AccountRepository accounts, Clock clock) {
        this.stores = Objects.requireNonNull(stores, "stores");
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The kiosk seats the patient in front of it in its room's open consultation (the newest, if several). */
    public Outcome<Joined> callIn(Caller caller, Optional<DisplayName> name) {
        if (caller instanceof Caller.Anonymous) {
            return Outcome.refused(new Refusal.NotAuthenticated());
        }
        if (!(caller instanceof Caller.Kiosk kiosk)) {
            return Outcome.refused(new Refusal.Forbidden());
        }
        List<Consultation> rooms = stores.consultations().openRoomsOf(kiosk.kiosk(), clock.instant());
        if (rooms.isEmpty()) {
            return Outcome.refused(new Refusal.NotFound());
        }
        ConsultationId id = rooms.getFirst().id();
        return stores.locks().with(id, () -> {
            Optional<Consultation> consultation = stores.consultations().find(id);
            if (consultation.isEmpty()) {
                return Outcome.refused(new Refusal.NotFound());
            }
            Optional<Refusal> refusal = ConsultationAccess.check(consultation.get(), ConsultationAction.ENTER,
                    clock.instant());
            if (refusal.isPresent()) {
                return Outcome.refused(refusal.get());
            }
            Joined joined = stores.seating().seat(consultation.get(), name.orElse(DEFAULT_PATIENT_NAME),
                    Optional.of(kiosk.kiosk()));
            stores.seating().record(id, AuditActor.kiosk(kiosk.kiosk()), AuditAction.CALLED_IN,
                    "participant:" + joined.participant(), "consultation " + id);
            return Outcome.done(joined);
        });
    }

    /** The patients waiting to be admitted, first come first; for the consultation's doctor only. */
    public Outcome<List<WaitingListEntry>> waitingList(Caller caller, ConsultationId id) {
        return switch (stores.access().asDoctor(caller, id)) {
            case Outcome.Refused<Consultation> refused -> Outcome.refused(refused.refusal());
            case Outcome.Done<Consultation> done -> Outcome.done(stores.seats().listOf(id).stream()
                    .filter(seat -> seat.status() == Seat.Status.WAITING)
                    .map(seat -> new WaitingListEntry(seat.id(), seat.name(), seat.kiosk(), seat.joinedAt(),
                            seat.readiness(), seat.disconnectedAt().isEmpty()))
                    .toList());
        };
    }

    /** The calling patient reports their kiosk's readiness, shown to the doctor in the waiting list. */
    public Outcome<DeviceReadiness> reportReadiness(Caller caller, DeviceReadiness readiness) {
        Objects.requireNonNull(readiness, "readiness");
        return switch (stores.access().asPatient(caller)) {
            case Outcome.Refused<Seat> refused -> Outcome.refused(refused.refusal());
            case Outcome.Done<Seat> seat -> stores.locks().with(seat.value().consultation(), () -> {
                stores.seats().find(seat.value().id())
                        .ifPresent(current -> stores.seats().update(current.withReadiness(readiness)));
                return Outcome.done(readiness);
            });
        };
    }

    /** Admits one waiting patient; refused while another is in the call (one at a time). */
    public Outcome<CallMember> admit(Caller caller, ConsultationId id, ParticipantId participant) {
        return stores.locks().with(id, () -> switch (stores.access().asDoctor(caller, id)) {
            case Outcome.Refused<Consultation> refused -> Outcome.refused(refused.refusal());
            case Outcome.Done<Consultation> done -> admit(done.value(), participant);
        });
    }

    private Outcome<CallMember> admit(Consultation consultation, ParticipantId participant) {
        Optional<Refusal> refusal = ConsultationAccess.check(consultation, ConsultationAction.ADMIT, clock.instant());
        if (refusal.isPresent()) {
            return Outcome.refused(refusal.get());
        }
        Optional<Seat> seat = stores.seats().find(participant)
                .filter(s -> s.consultation().equals(consultation.id()) && s.status() == Seat.Status.WAITING);
        if (seat.isEmpty()) {
            return Outcome.refused(new Refusal.NotFound());
        }
        stores.seating().admit(seat.get());
        stores.seating().record(consultation.id(), AuditActor.account(consultation.doctor()), AuditAction.ADMITTED,
                "participant:" + participant, "consultation " + consultation.id());
        return Outcome.done(new CallMember(CallMember.Role.PATIENT, seat.get().name()));
    }

    /**
     * Everyone in the call: the doctor (always: the call is theirs, also before anyone is admitted, after the patient
     * left and while their own socket is away), then the admitted patient, if any. For the doctor, and for a patient
     * who is in the call; a patient still waiting is refused ({@link Refusal.Forbidden}).
     */
    public Outcome<List<CallMember>> participants(Caller caller, ConsultationId id) {
        Outcome<Consultation> allowed = caller instanceof Caller.Patient patient && patient.consultation().equals(id)
                ? inCall(caller, id) : stores.access().asDoctor(caller, id);
        return switch (allowed) {
            case Outcome.Refused<Consultation> refused -> Outcome.refused(refused.refusal());
            case Outcome.Done<Consultation> done -> Outcome.done(listInCall(done.value()));
        };
    }

    /** The calling patient gives up their seat. */
    public Outcome<ConsultationState> leave(Caller caller) {
        return switch (stores.access().asPatient(caller)) {
            case Outcome.Refused<Seat> refused -> Outcome.refused(refused.refusal());
            case Outcome.Done<Seat> seat -> stores.locks().with(seat.value().consultation(), () -> {
                stores.seating().release(seat.value(), AuditAction.LEFT, "");
                return Outcome.done(stores.consultations().find(seat.value().consultation())
                        .map(Consultation::state).orElse(ConsultationState.ENDED));
            });
        };
    }

    private Outcome<Consultation> inCall(Caller caller, ConsultationId id) {
        return switch (stores.access().asPatient(caller)) {
            case Outcome.Refused<Seat> refused -> Outcome.refused(refused.refusal());
            case Outcome.Done<Seat> seat when seat.value().status() != Seat.Status.IN_CALL ->
                    Outcome.refused(new Refusal.Forbidden());
            case Outcome.Done<Seat> seat -> stores.consultations().find(id).<Outcome<Consultation>>map(Outcome::done)
                    .orElseGet(() -> Outcome.refused(new Refusal.NotFound()));
        };
    }

    private List<CallMember> listInCall(Consultation consultation) {
        List<CallMember> inCall = new ArrayList<>();
        accounts.findById(consultation.doctor()).map(StoredAccount::account).ifPresent(
                doctor -> inCall.add(new CallMember(CallMember.Role.DOCTOR, doctor.displayName())));
        stores.seats().listOf(consultation.id()).stream().filter(seat -> seat.status() == Seat.Status.IN_CALL)
                .forEach(seat -> inCall.add(new CallMember(CallMember.Role.PATIENT, seat.name())));
        return List.copyOf(inCall);
    }
}
