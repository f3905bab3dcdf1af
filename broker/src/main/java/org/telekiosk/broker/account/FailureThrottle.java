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
 * <p>With a {@link Ledger} (several broker nodes on one PostgreSQL: {@link SqlFailureLedger}) the counts are the
 * ledger's, shared by every node, and nothing is kept here; {@link #retryAfter} and {@link #reset} then block on it.
 *
 * @param <K> the key type, with value equality
 */
public final class FailureThrottle<K> {
    /** A key's failures so far, when it last failed and until when it is locked out. */
    public record Entry(int failures, Instant lastFailure, Instant lockedUntil) {}

    /** Where the counts are kept when several nodes share them; it applies the policy itself. */
    public interface Ledger {
        /** The entry of {@code key}, or empty if it has none the policy has not forgotten by {@code now}. */
        Optional<Entry> entry(String key, Instant now);

        /** Counts one failure of {@code key} at {@code now}, atomically with any other node's. */
        void recordFailure(String key, Instant now);

        /** Forgets {@code key}'s failures. */
        void reset(String key);
    }

    private final Clock clock;
    private final LockoutPolicy policy;
    private final Ledger ledger;
    // Insertion order = least recently failed first: recordFailure re-inserts, so eviction drops the stalest key.
    private final LinkedHashMap<K, Entry> entries = new LinkedHashMap<>();

    public FailureThrottle(Clock clock, LockoutPolicy policy) {
        this(clock, policy, null);
    }

    /** @param ledger where the counts are kept, or null for this node's memory */
    public FailureThrottle(Clock clock, LockoutPolicy policy, Ledger ledger) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.ledger = ledger;
    }

    /** How long {@code key} is still locked out, or empty if it may try now. */
    public Optional<Duration> retryAfter(K key) {
        Instant now = clock.instant();
        if (ledger != null) {
            return ledger.entry(key.toString(), now).filter(e -> now.isBefore(e.lockedUntil()))
                    .map(e -> Duration.between(now, e.lockedUntil()));
        }
        return retryAfterHere(key, now);
    }

    private synchronized Optional<Duration> retryAfterHere(K key, Instant now) {
        Entry entry = current(key, now);
        if (entry == null || !now.isBefore(entry.lockedUntil())) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(now, entry.lockedUntil()));
    }

    /** How long ago {@code key} last failed, or empty if it has no failure on record. */
    public Optional<Duration> sinceLastFailure(K key) {
        Instant now = clock.instant();
        if (ledger != null) {
            return ledger.entry(key.toString(), now).map(e -> Duration.between(e.lastFailure(), now));
        }
        return sinceLastFailureHere(key, now);
    }

    private synchronized Optional<Duration> sinceLastFailureHere(K key, Instant now) {
        Entry entry = current(key, now);
        return entry == null ? Optional.empty() : Optional.of(Duration.between(entry.lastFailure(), now));
    }

    /** Counts one failure for {@code key}, locking it once the policy says so. */
    public void recordFailure(K key) {
        Instant now = clock.instant();
        if (ledger != null) {
            ledger.recordFailure(key.toString(), now);
        } else {
            recordFailureHere(key, now);
        }
    }

    private synchronized void recordFailureHere(K key, Instant now) {
        Entry previous = current(key, now);
        int failures = previous == null ? 1 : previous.failures() + 1;
        entries.remove(key);
        entries.put(key, new Entry(failures, now, now.plus(policy.lockoutAfter(failures))));
        while (entries.size() > policy.maxTrackedKeys()) {
            entries.pollFirstEntry();
        }
    }

    /** Forgets the failures of {@code key} (after a success that proves the key's owner, e.g. a login). */
    public void reset(K key) {
        if (ledger != null) {
            ledger.reset(key.toString());
        } else {
            resetHere(key);
        }
    }

    private synchronized void resetHere(K key) {
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
