package org.telekiosk.broker.consultation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.protocol.KioskId;

/**
 * Creates, shows and ends consultations. Only a doctor creates one, for a kiosk room or for a patient;
 * it stays theirs alone. Patients can reach it for the access window of {@link ConsultationPolicy} (at most 30
 * days, KBV Anlage 31b BMV-Ä). Ending it releases every seat and revokes every unredeemed code. No {@code io.netty}
 * here: the transport authenticates the {@link Caller} and maps {@link Refusal}s to statuses.
 */
public final class ConsultationService {
    private final ConsultationRepository consultations;
    private final SeatRepository seats;
    private final JoinCodeRepository codes;
    private final ConsultationAccess access;
    private final ConsultationLocks locks;
    private final Seating seating;
    private final CallEvents events;
    private final ConsultationPolicy policy;
    private final Clock clock;

    public ConsultationService(ConsultationStores stores, ConsultationPolicy policy, Clock clock) {
        this.consultations = stores.consultations();
        this.seats = stores.seats();
        this.codes = stores.codes();
        this.access = stores.access();
        this.locks = stores.locks();
        this.seating = stores.seating();
        this.events = stores.calls();
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Creates a consultation of the calling doctor. {@code accessWindow} overrides the policy's default and may not
     * exceed {@link ConsultationPolicy#MAX_ACCESS}.
     */
    public Outcome<Consultation> create(Caller caller, ConsultationTarget target, Optional<Duration> accessWindow) {
        if (caller instanceof Caller.Anonymous) {
            return Outcome.refused(new Refusal.NotAuthenticated());
        }
        if (!(caller instanceof Caller.Staff staff) || staff.account().role() != Role.DOCTOR) {
            return Outcome.refused(new Refusal.Forbidden());
        }
        Duration window = accessWindow.orElse(policy.accessWindow());
        if (window.isNegative() || window.isZero() || window.compareTo(ConsultationPolicy.MAX_ACCESS) > 0) {
            return Outcome.refused(new Refusal.InvalidRequest(
                    "access window must be more than 0 and at most 30 days (KBV Anlage 31b)"));
        }
        Instant now = clock.instant();
        Consultation consultation = new Consultation(ConsultationId.random(), staff.account().id(), target,
                ConsultationState.SCHEDULED, now, now.plus(window), Optional.empty());
        consultations.insert(consultation);
        seating.record(AuditActor.account(staff.account().id()), AuditAction.CONSULTATION_CREATED,
                "consultation:" + consultation.id(), describe(target) + ", access until " + consultation.accessUntil());
        return Outcome.done(consultation);
    }

    /** The consultation, for its doctor or for a patient holding a seat in it. */
    public Outcome<Consultation> get(Caller caller, ConsultationId id) {
        if (caller instanceof Caller.Patient patient && patient.consultation().equals(id)) {
            return switch (access.asPatient(caller)) {
                case Outcome.Done<Seat> seat -> consultations.find(id).<Outcome<Consultation>>map(Outcome::done)
                        .orElseGet(() -> Outcome.refused(new Refusal.NotFound()));
                case Outcome.Refused<Seat> refused -> Outcome.refused(refused.refusal());
            };
        }
        return access.asDoctor(caller, id);
    }

    /**
     * The consultation and the periods its patients spent in the call, for its doctor only (others are refused as
     * by {@link #get}): what an export links readings by. Recorded in the audit log as an export of
     * {@code format}.
     */
    public Outcome<CallHistory> exportHistory(Caller caller, ConsultationId id, String format) {
        return switch (access.asDoctor(caller, id)) {
            case Outcome.Refused<Consultation> refused -> Outcome.refused(refused.refusal());
            case Outcome.Done<Consultation> done -> {
                List<CallPeriod> calls = consultations.calls(id);
                seating.record(AuditActor.account(done.value().doctor()), AuditAction.EXPORTED,
                        "consultation:" + id, format + ", " + calls.size() + " call periods");
                yield Outcome.done(new CallHistory(done.value(), calls));
            }
        };
    }

    /**
     * The periods of the patients in the consultation's call now (not those who left), with their kiosks. No caller:
     * this is for the broker's own routing of vitals ({@code ViewerHub}), after the socket's doctor was checked by
     * {@link #get}; not audited, unlike {@link #exportHistory}. Empty for an unknown consultation.
     */
    public List<CallPeriod> openCallsOf(ConsultationId id) {
        return consultations.calls(id).stream().filter(call -> call.leftAt().isEmpty()).toList();
    }

    /**
     * The periods of patients at {@code kiosk} in a call now, of any consultation: what the kiosk's own page may show
     * its patient. No caller, as {@link #openCallsOf}: the kiosk page session was checked by the caller.
     */
    public List<CallPeriod> openCallsAt(KioskId kiosk) {
        return consultations.openCallsAt(kiosk);
    }

    /**
     * The kiosk of the patient in the consultation's call now (the room's kiosk called in, or a patient who joined
     * at a kiosk), for its doctor only (others are refused as by {@link #get}); empty when nobody is in the call at a
     * kiosk. Not audited: what is done with it (a measurement command) is.
     */
    public Outcome<Optional<KioskId>> kioskInCall(Caller caller, ConsultationId id) {
        return switch (access.asDoctor(caller, id)) {
            case Outcome.Refused<Consultation> refused -> Outcome.refused(refused.refusal());
            case Outcome.Done<Consultation> done -> Outcome.done(done.value().state() != ConsultationState.IN_CALL
                    ? Optional.empty()
                    : consultations.calls(id).stream().filter(c -> c.leftAt().isEmpty())
                            .map(CallPeriod::kiosk).flatMap(Optional::stream).reduce((a, b) -> b));
        };
    }

    /** The calling doctor's consultations, newest first. */
    public Outcome<List<Consultation>> listMine(Caller caller) {
        if (caller instanceof Caller.Anonymous) {
            return Outcome.refused(new Refusal.NotAuthenticated());
        }
        if (!(caller instanceof Caller.Staff staff) || staff.account().role() != Role.DOCTOR) {
            return Outcome.refused(new Refusal.Forbidden());
        }
        return Outcome.done(consultations.listOf(staff.account().id()));
    }

    /**
     * Ends the consultation: the doctor may, from any state but {@link ConsultationState#ENDED}. The same for every
     * adapter (REST, signaling): the {@link EndWatcher}s are told with {@link EndReason#ENDED_BY_DOCTOR}.
     */
    public Outcome<Consultation> end(Caller caller, ConsultationId id) {
        Outcome<Consultation> outcome = locks.with(id, () -> switch (access.asDoctor(caller, id)) {
            case Outcome.Refused<Consultation> refused -> refused;
            case Outcome.Done<Consultation> done -> end(done.value(), AuditActor.account(done.value().doctor()));
        });
        return told(id, outcome, EndReason.ENDED_BY_DOCTOR);
    }

    /**
     * Ends every consultation whose access window has closed; for a periodic task (the purge). Its
     * {@link EndWatcher}s are told with {@link EndReason#ACCESS_EXPIRED}. Returns how many.
     */
    public int endExpired() {
        int ended = 0;
        for (Consultation expired : consultations.openButExpired(clock.instant())) {
            Outcome<Consultation> outcome = locks.with(expired.id(), () -> consultations.find(expired.id())
                    .filter(c -> c.state() != ConsultationState.ENDED)
                    .map(c -> end(c, AuditActor.system()))
                    .orElseGet(() -> Outcome.refused(new Refusal.NotFound())));
            if (told(expired.id(), outcome, EndReason.ACCESS_EXPIRED) instanceof Outcome.Done) {
                ended++;
            }
        }
        return ended;
    }

    /** Tells the end watchers of a done end, outside the consultation's lock (see {@link EndWatcher}). */
    private Outcome<Consultation> told(ConsultationId id, Outcome<Consultation> outcome, EndReason reason) {
        if (outcome instanceof Outcome.Done<Consultation>) {
            events.ended(id, reason);
        }
        return outcome;
    }

    /** Every end goes through here, under the consultation's lock; the watchers are told by {@link #told}. */
    private Outcome<Consultation> end(Consultation consultation, AuditActor actor) {
        Instant now = clock.instant();
        Optional<Refusal> refusal = ConsultationAccess.check(consultation, ConsultationAction.END, now);
        if (refusal.isPresent()) {
            return Outcome.refused(refusal.get());
        }
        Consultation ended = consultation.withState(ConsultationState.ENDED, now);
        consultations.update(ended);
        int released = seats.releaseAllOf(consultation.id(), now);
        consultations.callEnded(consultation.id(), Optional.empty(), now);
        int revoked = codes.deleteAllOf(consultation.id());
        seating.record(actor, AuditAction.CONSULTATION_ENDED, "consultation:" + consultation.id(),
                "was " + consultation.state() + ", " + released + " seats released, " + revoked + " codes revoked");
        return Outcome.done(ended);
    }

    private static String describe(ConsultationTarget target) {
        return switch (target) {
            case ConsultationTarget.Room room -> "room " + room.kiosk();
            case ConsultationTarget.Patient patient -> "patient";
        };
    }
}
