package org.telekiosk.broker.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.Optional;

/**
 * Counts failures per key (a login name, a client address) and locks a key out with an exponentially growing
 * lockout, in the injected clock's time; see {@link LockoutPolicy}. A locked key must not even be checked, so that
 * guessing cannot continue while locked. Thread-safe; memory is bounded by {@link LockoutPolicy#maxTrackedKeys()}.
 *
 * @param <K> the key type, with value equality
 */
public final class FailureThrottle<K> {
    private record Entry(int failures, Instant lastFailure, Instant lockedUntil) {}

    private final Clock clock;
    private final LockoutPolicy policy;
    // Insertion order = least recently failed first: recordFailure re-inserts, so eviction drops the stalest key.
    private final LinkedHashMap<K, Entry> entries = new LinkedHashMap<>();

    public FailureThrottle(Clock clock, LockoutPolicy policy) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** How long {@code key} is still locked out, or empty if it may try now. */
    public synchronized Optional<Duration> retryAfter(K key) {
        Instant now = clock.instant();
        Entry entry = current(key, now);
        if (entry == null || !now.isBefore(entry.lockedUntil())) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(now, entry.lockedUntil()));
    }

    /** How long ago {@code key} last failed, or empty if it has no failure on record. */
    public synchronized Optional<Duration> sinceLastFailure(K key) {
        Instant now = clock.instant();
        Entry entry = current(key, now);
        return entry == null ? Optional.empty() : Optional.of(Duration.between(entry.lastFailure(), now));
    }

    /** Counts one failure for {@code key}, locking it once the policy says so. */
    public synchronized void recordFailure(K key) {
        Instant now = clock.instant();
        Entry previous = current(key, now);
        int failures = previous == null ? 1 : previous.failures() + 1;
        entries.remove(key);
        entries.put(key, new Entry(failures, now, now.plus(policy.lockoutAfter(failures))));
        while (entries.size() > policy.maxTrackedKeys()) {
            entries.pollFirstEntry();
        }
    }

    /** Forgets the failures of {@code key} (after a success that proves the key's owner, e.g. a login). */
    public synchronized void reset(K key) {
        entries.remove(key);
    }

    private Entry current(K key, Instant now) {
        Entry entry = entries.get(key);
        if (entry != null && !now.isBefore(entry.lastFailure().plus(policy.forgetAfter()))
                && !now.isBefore(entry.lockedUntil())) {
            entries.remove(key);
            return null;
        }
        return entry;
    }
}
