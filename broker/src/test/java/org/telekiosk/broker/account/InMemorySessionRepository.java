package org.telekiosk.broker.account;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.telekiosk.protocol.KioskId;

/**
 * Sessions in memory, lost on restart (everyone logs in again). Thread-safe. For the services' tests; the broker
 * uses {@link SqlSessionRepository}, so that sessions survive a restart and several broker nodes share them.
 */
public final class InMemorySessionRepository implements SessionRepository {
    private final ConcurrentHashMap<SecretHash, SessionRecord> sessions = new ConcurrentHashMap<>();
    /** How many times a use was written ({@link #touch}): each one is a database write in the real repositories. */
    final java.util.concurrent.atomic.AtomicInteger touches = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public void insert(SessionRecord session) {
        sessions.put(session.tokenHash(), session);
    }

    @Override
    public Optional<SessionRecord> find(SecretHash tokenHash) {
        return Optional.ofNullable(sessions.get(tokenHash));
    }

    @Override
    public void touch(SecretHash tokenHash, Instant at) {
        touches.incrementAndGet();
        sessions.computeIfPresent(tokenHash, (key, session) -> session.touchedAt(at));
    }

    @Override
    public boolean delete(SecretHash tokenHash) {
        return sessions.remove(tokenHash) != null;
    }

    @Override
    public int deleteAllOf(AccountId account) {
        return removeIf(session -> session.principal().equals(new SessionPrincipal.OfAccount(account)));
    }

    @Override
    public int deleteAllOf(KioskId kiosk) {
        return removeIf(session -> session.principal().equals(new SessionPrincipal.OfKiosk(kiosk)));
    }

    @Override
    public int deleteStale(Instant now, Instant idleCutoff) {
        return removeIf(s -> !now.isBefore(s.expiresAt()) || !s.lastUsedAt().isAfter(idleCutoff));
    }

    private int removeIf(java.util.function.Predicate<SessionRecord> condition) {
        int before = sessions.size();
        sessions.values().removeIf(condition);
        return before - sessions.size();
    }
}
