package org.telekiosk.broker.consultation;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.broker.request.Refusal;

/**
 * Reconnect without lockout: when a patient's connection drops, their seat — waiting or in the call — is
 * kept for {@link ConsultationPolicy#seatGracePeriod()}; within it they resume with their resume token and the
 * number of the last message they saw, keeping their place (no re-admission; the call recovers with an ICE
 * restart). A resume also takes over from a connection the broker still thinks alive, since a dead TCP connection
 * may not have been noticed yet. Each resume spends the token and issues a new one. After the grace period the seat
 * is released.
 */
public final class Reconnects {
    private final ConsultationStores stores;
    private final ConsultationPolicy policy;
    private final SecureRandom random;
    private final Clock clock;

    public Reconnects(ConsultationStores stores, ConsultationPolicy policy, SecureRandom random, Clock clock) {
        this.stores = Objects.requireNonNull(stores, "stores");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The transport saw the patient's connection drop; the grace period starts now. */
    public void disconnected(ParticipantId participant) {
        stores.seats().find(participant).ifPresent(seat -> stores.locks().with(seat.consultation(), () -> {
            stores.seats().find(participant).filter(current -> current.disconnectedAt().isEmpty()).ifPresent(current -> {
                stores.seats().update(current.disconnected(clock.instant()));
                stores.seating().record(AuditActor.patient(current.consultation()), AuditAction.DISCONNECTED,
                        "participant:" + participant, "");
                stores.seating().seatChanged(current.consultation(), participant, SeatWatcher.Change.DROPPED);
            });
            return null;
        }));
    }

    /**
     * Puts the holder of {@code resumeToken} back in their seat. Refused with {@link Refusal.NotAuthenticated} for a
     * token that never opened a seat or was spent, {@link Refusal.SeatReleased} once the grace period is over or the
     * seat was otherwise released (left, consultation ended), and
     * {@link Refusal.AccessExpired} when the consultation's access window has closed.
     */
    public Outcome<Resumed> resume(OpaqueToken resumeToken, long lastSeenMessage) {
        if (lastSeenMessage < 0) {
            return Outcome.refused(new Refusal.InvalidRequest("last seen message number must not be negative"));
        }
        Optional<Seat> found = stores.seats().findByResumeToken(resumeToken.hash());
        if (found.isEmpty()) {
            return Outcome.refused(gone(resumeToken));
        }
        ConsultationId id = found.get().consultation();
        return stores.locks().with(id, () -> {
            Optional<Seat> seat = stores.seats().findByResumeToken(resumeToken.hash());
            if (seat.isEmpty()) {
                return Outcome.refused(gone(resumeToken));
            }
            Instant now = clock.instant();
            if (pastGrace(seat.get(), now)) {
                stores.seating().release(seat.get(), AuditAction.SEAT_RELEASED, "grace period over");
                return Outcome.refused(new Refusal.SeatReleased());
            }
            Optional<Consultation> consultation = stores.consultations().find(id);
            if (consultation.isEmpty()) {
                return Outcome.refused(new Refusal.NotFound());
            }
            Optional<Refusal> refusal = ConsultationAccess.check(consultation.get(), ConsultationAction.RESUME, now);
            if (refusal.isPresent()) {
                return Outcome.refused(refusal.get());
            }
            OpaqueToken next = OpaqueToken.generate(random);
            Seat resumed = seat.get().resumed(next.hash());
            if (!stores.seats().resume(resumed, resumeToken.hash())) {
                // Spent meanwhile by a resume on another broker node (the consultation's lock is per node).
                return Outcome.refused(gone(resumeToken));
            }
            stores.seating().record(AuditActor.patient(id), AuditAction.RESUMED, "participant:" + resumed.id(),
                    "status " + resumed.status());
            stores.seating().seatChanged(id, resumed.id(), SeatWatcher.Change.RESUMED);
            return Outcome.done(new Resumed(new Joined(id, resumed.id(), resumed.name(), resumed.status(), next),
                    lastSeenMessage));
        });
    }

    /**
     * Why a resume token opens no seat: {@link Refusal.SeatReleased} if it was the token of a seat when the seat was
     * released (by the sweep after the grace period, by leaving, by the end of the consultation), else
     * {@link Refusal.NotAuthenticated} (never a seat's token, or spent by an earlier resume).
     */
    private Refusal gone(OpaqueToken resumeToken) {
        return stores.seats().isReleased(resumeToken.hash()) ? new Refusal.SeatReleased()
                : new Refusal.NotAuthenticated();
    }

    /** Releases every seat whose grace period is over; for a periodic task. Returns how many. */
    public int releaseExpiredSeats() {
        int released = 0;
        Instant now = clock.instant();
        for (Seat candidate : stores.seats().disconnectedSince(now.minus(policy.seatGracePeriod()))) {
            boolean did = stores.locks().with(candidate.consultation(), () -> {
                Optional<Seat> seat = stores.seats().find(candidate.id()).filter(s -> pastGrace(s, now));
                seat.ifPresent(s -> stores.seating().release(s, AuditAction.SEAT_RELEASED, "grace period over"));
                return seat.isPresent();
            });
            released += did ? 1 : 0;
        }
        return released;
    }

    private boolean pastGrace(Seat seat, Instant now) {
        return seat.disconnectedAt().map(at -> !now.isBefore(at.plus(policy.seatGracePeriod()))).orElse(false);
    }
}
