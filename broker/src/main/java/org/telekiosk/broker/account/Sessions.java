package org.telekiosk.broker.account;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Opaque, expiring session tokens (OWASP Session Management Cheat Sheet): 256 random bits, stored only as SHA-256,
 * with an absolute lifetime and an idle timeout from {@link SessionPolicy}, both in the injected clock's time. Each
 * successful lookup counts as a use. Logout deletes the session, so a copied token dies with it.
 */
public final class Sessions {
    private final SessionRepository sessions;
    private final AccountRepository accounts;
    private final SessionPolicy policy;
    private final SecureRandom random;
    private final Clock clock;

    public Sessions(SessionRepository sessions, AccountRepository accounts, SessionPolicy policy, SecureRandom random,
            Clock clock) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Starts a session for {@code account}. */
    public IssuedSession start(AccountId account) {
        Instant now = clock.instant();
        OpaqueToken token = OpaqueToken.generate(random);
        Instant expiresAt = now.plus(policy.absoluteLifetime());
        sessions.insert(new SessionRecord(token.hash(), account, now, now, expiresAt));
        return new IssuedSession(token, expiresAt);
    }

    /** The account behind {@code token}, recording this use; or why there is none (a dead session is deleted). */
    public SessionLookup lookup(OpaqueToken token) {
        Instant now = clock.instant();
        SecretHash hash = token.hash();
        Optional<SessionRecord> found = sessions.find(hash);
        if (found.isEmpty()) {
            return new SessionLookup.Refused(SessionLookup.Reason.UNKNOWN);
        }
        SessionRecord session = found.get();
        if (!now.isBefore(session.expiresAt())) {
            sessions.delete(hash);
            return new SessionLookup.Refused(SessionLookup.Reason.EXPIRED);
        }
        if (!now.isBefore(session.lastUsedAt().plus(policy.idleTimeout()))) {
            sessions.delete(hash);
            return new SessionLookup.Refused(SessionLookup.Reason.IDLE);
        }
        Optional<StoredAccount> account = accounts.findById(session.account());
        if (account.isEmpty()) {
            sessions.delete(hash);
            return new SessionLookup.Refused(SessionLookup.Reason.UNKNOWN);
        }
        sessions.touch(hash, now);
        Instant idleDeadline = now.plus(policy.idleTimeout());
        return new SessionLookup.Active(account.get().account(), session.expiresAt(),
                idleDeadline.isBefore(session.expiresAt()) ? idleDeadline : session.expiresAt());
    }

    /** Ends the session of {@code token}; returns whether there was one. */
    public boolean end(OpaqueToken token) {
        return sessions.delete(token.hash());
    }

    /** Ends every session of {@code account} (after a password change or when the account is disabled). */
    public int endAll(AccountId account) {
        return sessions.deleteAllOf(account);
    }

    /** Deletes expired and idle sessions; for a periodic task. Returns how many. */
    public int purge() {
        Instant now = clock.instant();
        return sessions.deleteStale(now, now.minus(policy.idleTimeout()));
    }
}
