package org.telekiosk.broker.account;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.telekiosk.protocol.KioskId;

/**
 * Opaque, expiring session tokens (OWASP Session Management Cheat Sheet): 256 random bits, stored only as SHA-256,
 * with an absolute lifetime and an idle timeout from {@link SessionPolicy}, both in the injected clock's time. Each
 * successful lookup counts as a use, but the last use is written at most once per {@link #touchInterval} (60 s, or a
 * tenth of the idle timeout when that is shorter), so a client that polls {@code GET /api/v1/me} does not write to the
 * database on every request: idle expiry is precise to that interval (docs/security.md). Logout deletes the session,
 * so a copied token dies with it.
 *
 * <p>A session belongs to an account or to a kiosk's page ({@link SessionPrincipal}); a kiosk page session ends as
 * soon as its kiosk is no longer in service (revoked or deleted), checked on every lookup.
 */
public final class Sessions {
    private static final Duration MAX_TOUCH_INTERVAL = Duration.ofSeconds(60);

    private final SessionRepository sessions;
    private final AccountRepository accounts;
    private final SessionPolicy policy;
    private final SecureRandom random;
    private final Clock clock;
    private final Predicate<KioskId> kioskInService;

    /** Without kiosks: every kiosk counts as in service (for services' tests that issue no kiosk sessions). */
    public Sessions(SessionRepository sessions, AccountRepository accounts, SessionPolicy policy, SecureRandom random,
            Clock clock) {
        this(sessions, accounts, policy, random, clock, kiosk -> true);
    }

    /**
     * @param kioskInService whether a kiosk is enrolled and not revoked (the kiosk registry); blocking is fine
     */
    public Sessions(SessionRepository sessions, AccountRepository accounts, SessionPolicy policy, SecureRandom random,
            Clock clock, Predicate<KioskId> kioskInService) {
        this.kioskInService = Objects.requireNonNull(kioskInService, "kioskInService");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Starts a session for {@code account}. */
    public IssuedSession start(AccountId account) {
        return start(new SessionPrincipal.OfAccount(account));
    }

    /** Starts a kiosk page session for {@code kiosk} (after its one-time kiosk page token was redeemed). */
    public IssuedSession startKiosk(KioskId kiosk) {
        return start(new SessionPrincipal.OfKiosk(kiosk));
    }

    private IssuedSession start(SessionPrincipal principal) {
        Instant now = clock.instant();
        OpaqueToken token = OpaqueToken.generate(random);
        Instant expiresAt = now.plus(policy.absoluteLifetime());
        sessions.insert(new SessionRecord(token.hash(), principal, now, now, expiresAt));
        return new IssuedSession(token, expiresAt);
    }

    /**
     * The account or kiosk behind {@code token}, recording this use; or why there is none (a dead session is
     * deleted).
     */
    public SessionLookup lookup(OpaqueToken token) {
        return lookup(token.hash());
    }

    /**
     * {@link #lookup(OpaqueToken)} by the token's hash: for a broker node that holds a signaling room for a
     * doctor's socket on another node, which passes the hash, never the token.
     */
    public SessionLookup lookup(SecretHash hash) {
        Instant now = clock.instant();
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
        // The use is written only when the stored one is a touch interval old; the deadline reported is the one stored.
        boolean touch = !now.isBefore(session.lastUsedAt().plus(touchInterval()));
        Instant idleDeadline = (touch ? now : session.lastUsedAt()).plus(policy.idleTimeout());
        Instant deadline = idleDeadline.isBefore(session.expiresAt()) ? idleDeadline : session.expiresAt();
        switch (session.principal()) {
            case SessionPrincipal.OfAccount owner -> {
                Optional<StoredAccount> account = accounts.findById(owner.account());
                if (account.isEmpty()) {
                    sessions.delete(hash);
                    return new SessionLookup.Refused(SessionLookup.Reason.UNKNOWN);
                }
                if (touch) {
                    sessions.touch(hash, now);
                }
                return new SessionLookup.Active(account.get().account(), session.expiresAt(), deadline);
            }
            case SessionPrincipal.OfKiosk owner -> {
                if (!kioskInService.test(owner.kiosk())) {
                    sessions.deleteAllOf(owner.kiosk());
                    return new SessionLookup.Refused(SessionLookup.Reason.UNKNOWN);
                }
                if (touch) {
                    sessions.touch(hash, now);
                }
                return new SessionLookup.Kiosk(owner.kiosk(), session.expiresAt(), deadline);
            }
        }
    }

    /** How old the stored last use must be before a lookup writes a new one: 60 s, or a tenth of the idle timeout. */
    Duration touchInterval() {
        Duration tenth = policy.idleTimeout().dividedBy(10);
        return tenth.compareTo(MAX_TOUCH_INTERVAL) < 0 ? tenth : MAX_TOUCH_INTERVAL;
    }

    /** Ends the session of {@code token}; returns whether there was one. */
    public boolean end(OpaqueToken token) {
        return sessions.delete(token.hash());
    }

    /** Ends every session of {@code account} (after a password change or when the account is disabled). */
    public int endAll(AccountId account) {
        return sessions.deleteAllOf(account);
    }

    /** Ends every page session of {@code kiosk} (it was revoked). */
    public int endAll(KioskId kiosk) {
        return sessions.deleteAllOf(kiosk);
    }

    /** Deletes expired and idle sessions; for a periodic task. Returns how many. */
    public int purge() {
        Instant now = clock.instant();
        return sessions.deleteStale(now, now.minus(policy.idleTimeout()));
    }
}
