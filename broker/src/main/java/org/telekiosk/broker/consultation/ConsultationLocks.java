package org.telekiosk.broker.consultation;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.telekiosk.broker.request.ConsultationId;

/**
 * Serialises the read-modify-write sequences on one consultation (its state, seats and codes) across the
 * consultation services, with a fixed set of striped locks so that memory does not grow with the number of
 * consultations. This is enough for one broker node; with several nodes on PostgreSQL, the SQL-backed repositories
 * take a row lock ({@code SELECT … FOR UPDATE} on the consultation) in the same places instead.
 */
public final class ConsultationLocks {
    private final ReentrantLock[] stripes;

    public ConsultationLocks() {
        stripes = new ReentrantLock[64];
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** Runs {@code action} holding the lock of {@code consultation}. */
    public <T> T with(ConsultationId consultation, Supplier<T> action) {
        ReentrantLock lock = stripes[Math.floorMod(consultation.hashCode(), stripes.length)];
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
