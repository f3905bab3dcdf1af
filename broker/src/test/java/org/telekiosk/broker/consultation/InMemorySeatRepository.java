package org.telekiosk.broker.consultation;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.telekiosk.broker.account.SecretHash;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.ParticipantId;

/**
 * Seats in memory, for the services' tests; the broker uses {@link SqlSeatRepository}. Thread-safe (this object's monitor). Keeps insertion order, so that patients who
 * arrive in the same clock tick are still listed first come first; a SQL table orders by a serial column for that.
 */
public final class InMemorySeatRepository implements SeatRepository {
    private final LinkedHashMap<ParticipantId, Seat> seats = new LinkedHashMap<>();
    private final java.util.Set<SecretHash> released = new java.util.HashSet<>();

    @Override
    public synchronized void insert(Seat seat) {
        seats.put(seat.id(), seat);
    }

    @Override
    public synchronized Optional<Seat> find(ParticipantId id) {
        return Optional.ofNullable(seats.get(id));
    }

    @Override
    public synchronized Optional<Seat> findByResumeToken(SecretHash resumeTokenHash) {
        return seats.values().stream().filter(s -> s.resumeTokenHash().equals(resumeTokenHash)).findFirst();
    }

    @Override
    public synchronized List<Seat> listOf(ConsultationId consultation) {
        return seats.values().stream().filter(s -> s.consultation().equals(consultation)).toList();
    }

    @Override
    public synchronized void update(Seat seat) {
        seats.computeIfPresent(seat.id(), (id, old) -> seat);
    }

    @Override
    public synchronized boolean resume(Seat resumed, SecretHash spent) {
        Seat current = seats.get(resumed.id());
        if (current == null || !current.resumeTokenHash().equals(spent)) {
            return false;
        }
        seats.put(resumed.id(), resumed);
        return true;
    }

    @Override
    public synchronized boolean delete(ParticipantId id) {
        return seats.remove(id) != null;
    }

    @Override
    public synchronized int deleteAllOf(ConsultationId consultation) {
        int before = seats.size();
        seats.values().removeIf(s -> s.consultation().equals(consultation));
        return before - seats.size();
    }

    @Override
    public synchronized boolean release(ParticipantId id, Instant at) {
        Seat seat = seats.remove(id);
        if (seat != null) {
            released.add(seat.resumeTokenHash());
        }
        return seat != null;
    }

    @Override
    public synchronized int releaseAllOf(ConsultationId consultation, Instant at) {
        List<ParticipantId> ids = listOf(consultation).stream().map(Seat::id).toList();
        ids.forEach(id -> release(id, at));
        return ids.size();
    }

    @Override
    public synchronized boolean isReleased(SecretHash resumeTokenHash) {
        return released.contains(resumeTokenHash);
    }

    @Override
    public synchronized List<Seat> disconnectedSince(Instant cutoff) {
        return seats.values().stream()
                .filter(s -> s.disconnectedAt().isPresent() && !s.disconnectedAt().get().isAfter(cutoff)).toList();
    }
}
