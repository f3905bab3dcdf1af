package org.telekiosk.broker.consultation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.telekiosk.broker.account.AccountId;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.protocol.KioskId;

/**
 * Consultations in memory, for the services' tests; the broker uses
 * {@link SqlConsultationRepository}. Thread-safe.
 */
public final class InMemoryConsultationRepository implements ConsultationRepository {
    private final ConcurrentHashMap<ConsultationId, Consultation> consultations = new ConcurrentHashMap<>();
    private final List<CallPeriod> calls = new ArrayList<>();

    @Override
    public void insert(Consultation consultation) {
        if (consultations.putIfAbsent(consultation.id(), consultation) != null) {
            throw new IllegalStateException("consultation " + consultation.id() + " exists already");
        }
    }

    @Override
    public Optional<Consultation> find(ConsultationId id) {
        return Optional.ofNullable(consultations.get(id));
    }

    @Override
    public void update(Consultation consultation) {
        if (consultations.replace(consultation.id(), consultation) == null) {
            throw new IllegalStateException("consultation " + consultation.id() + " does not exist");
        }
    }

    @Override
    public List<Consultation> listOf(AccountId doctor) {
        return consultations.values().stream().filter(c -> c.doctor().equals(doctor))
                .sorted(Comparator.comparing(Consultation::createdAt).reversed()).toList();
    }

    @Override
    public List<Consultation> openRoomsOf(KioskId kiosk, Instant now) {
        return consultations.values().stream()
                .filter(c -> c.target() instanceof ConsultationTarget.Room room && room.kiosk().equals(kiosk))
                .filter(c -> !c.closedAt(now))
                .sorted(Comparator.comparing(Consultation::createdAt).reversed()).toList();
    }

    @Override
    public List<Consultation> openButExpired(Instant now) {
        return consultations.values().stream()
                .filter(c -> c.state() != ConsultationState.ENDED && !now.isBefore(c.accessUntil())).toList();
    }

    @Override
    public synchronized void callStarted(Seat seat, Instant at) {
        calls.add(new CallPeriod(seat.consultation(), seat.id(), seat.kiosk(), at, Optional.empty()));
    }

    @Override
    public synchronized void callEnded(ConsultationId consultation, Optional<ParticipantId> participant, Instant at) {
        calls.replaceAll(call -> call.consultation().equals(consultation)
                && participant.map(call.participant()::equals).orElse(true) ? call.left(at) : call);
    }

    @Override
    public synchronized List<CallPeriod> calls(ConsultationId consultation) {
        return calls.stream().filter(call -> call.consultation().equals(consultation))
                .sorted(Comparator.comparing(CallPeriod::admittedAt)).toList();
    }

    @Override
    public synchronized List<CallPeriod> openCallsAt(KioskId kiosk) {
        return calls.stream().filter(call -> call.kiosk().equals(Optional.of(kiosk)) && call.leftAt().isEmpty())
                .sorted(Comparator.comparing(CallPeriod::admittedAt)).toList();
    }
}
