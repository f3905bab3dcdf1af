package org.telekiosk.broker.consultation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.telekiosk.broker.account.AccountId;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.protocol.KioskId;

/**
 * A consultation repository that tells {@link CallEvents} about every recorded admission and departure, after the
 * repository has stored it. Every path that changes a call (admit, leave, grace-period release, end, expiry) goes
 * through {@link #callStarted} or {@link #callEnded}, so watchers miss none of them.
 */
final class WatchedConsultations implements ConsultationRepository {
    private final ConsultationRepository delegate;
    private final CallEvents events;

    WatchedConsultations(ConsultationRepository delegate, CallEvents events) {
        this.delegate = delegate;
        this.events = events;
    }

    @Override
    public void callStarted(Seat seat, Instant at) {
        delegate.callStarted(seat, at);
        events.admitted(new CallPeriod(seat.consultation(), seat.id(), seat.kiosk(), at, Optional.empty()));
    }

    @Override
    public void callEnded(ConsultationId consultation, Optional<ParticipantId> participant, Instant at) {
        delegate.callEnded(consultation, participant, at);
        events.left(consultation, participant, at);
    }

    @Override
    public void insert(Consultation consultation) {
        delegate.insert(consultation);
    }

    @Override
    public Optional<Consultation> find(ConsultationId id) {
        return delegate.find(id);
    }

    @Override
    public void update(Consultation consultation) {
        delegate.update(consultation);
    }

    @Override
    public List<Consultation> listOf(AccountId doctor) {
        return delegate.listOf(doctor);
    }

    @Override
    public List<Consultation> openRoomsOf(KioskId kiosk, Instant now) {
        return delegate.openRoomsOf(kiosk, now);
    }

    @Override
    public List<Consultation> openButExpired(Instant now) {
        return delegate.openButExpired(now);
    }

    @Override
    public List<CallPeriod> calls(ConsultationId consultation) {
        return delegate.calls(consultation);
    }

    @Override
    public List<CallPeriod> openCallsAt(KioskId kiosk) {
        return delegate.openCallsAt(kiosk);
    }
}
