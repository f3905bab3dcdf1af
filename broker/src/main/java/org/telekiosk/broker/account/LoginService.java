package org.telekiosk.broker.account;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.AuditEvent;
import org.telekiosk.broker.audit.AuditLog;

/**
 * Login, session lookup and logout for accounts (DESIGN.md, "Security model": local accounts with Argon2id hashes
 * and opaque, expiring session tokens). Guessing is throttled per login name and per client address before a
 * password is even checked; an unknown name costs as much time as a wrong password. {@link #login} hashes, so it
 * blocks for the cost of one Argon2id hash: not on an event loop.
 */
public final class LoginService {
    /** Why a login was refused, for the metrics ({@code telekiosk_logins_refused_total{reason}}). */
    public enum RefusalReason {
        UNKNOWN_NAME("unknown-name"), WRONG_PASSWORD("wrong-password"), THROTTLED("throttled");

        private final String code;

        RefusalReason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final java.util.Map<RefusalReason, java.util.concurrent.atomic.LongAdder> refused =
            new java.util.EnumMap<>(RefusalReason.class);
    private final AccountRepository accounts;
    private final PasswordHasher hasher;
    private final Sessions sessions;
    private final LoginThrottle throttle;
    private final AuditLog audit;
    private final Clock clock;

    public LoginService(AccountRepository accounts, PasswordHasher hasher, Sessions sessions, LoginThrottle throttle,
            AuditLog audit, Clock clock) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.throttle = Objects.requireNonNull(throttle, "throttle");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        for (RefusalReason refusal : RefusalReason.values()) {
            refused.put(refusal, new java.util.concurrent.atomic.LongAdder());
        }
    }

    /** Logins refused for {@code reason} since start. */
    public long refusedCount(RefusalReason reason) {
        return refused.get(reason).sum();
    }

    /**
     * The answer to a login from {@code from} for {@code loginName} if the failure throttle (per name or per address)
     * refuses it now, counted and audited as a throttled login; empty if the password may be checked. It costs no
     * hash and does not look the name up, so a throttled answer is the same, and as quick, whether the name exists or
     * not. The API calls it before waiting for a hashing permit, so that a login it refuses holds none;
     * {@link #login} checks again (a failure may have come in meanwhile).
     */
    public Optional<LoginResult.Throttled> throttled(LoginName loginName, ClientAddress from) {
        Optional<Duration> retryAfter = throttle.retryAfter(loginName, from);
        if (retryAfter.isEmpty()) {
            return Optional.empty();
        }
        refused.get(RefusalReason.THROTTLED).increment();
        record(AuditActor.client(from), AuditAction.LOGIN_THROTTLED, "login:" + loginName, "");
        return Optional.of(new LoginResult.Throttled(retryAfter.get()));
    }

    public LoginResult login(LoginName loginName, Password password, ClientAddress from) {
        Optional<LoginResult.Throttled> throttled = throttled(loginName, from);
        if (throttled.isPresent()) {
            return throttled.get();
        }
        Optional<StoredAccount> stored = accounts.findByLoginName(loginName);
        if (stored.isEmpty()) {
            hasher.verifyAgainstDummy(password);
            refused.get(RefusalReason.UNKNOWN_NAME).increment();
            return failed(loginName, from, "unknown login name");
        }
        if (!hasher.verify(password, stored.get().passwordHash())) {
            refused.get(RefusalReason.WRONG_PASSWORD).increment();
            return failed(loginName, from, "wrong password");
        }
        Account account = stored.get().account();
        throttle.succeeded(loginName);
        if (hasher.needsRehash(stored.get().passwordHash())) {
            accounts.updatePasswordHash(account.id(), hasher.hash(password));
        }
        IssuedSession session = sessions.start(account.id());
        record(AuditActor.account(account.id()), AuditAction.LOGIN, "login:" + loginName, "from " + from);
        return new LoginResult.LoggedIn(account, session.token(), session.expiresAt());
    }

    /** The account behind a session token, or why there is none. */
    public SessionLookup authenticate(OpaqueToken token) {
        return sessions.lookup(token);
    }

    /** Ends the session of {@code token}; returns whether there was one. */
    public boolean logout(OpaqueToken token) {
        SessionLookup lookup = sessions.lookup(token);
        boolean ended = sessions.end(token);
        if (lookup instanceof SessionLookup.Active active) {
            record(AuditActor.account(active.account().id()), AuditAction.LOGOUT,
                    "login:" + active.account().loginName(), "");
        }
        return ended;
    }

    private LoginResult failed(LoginName loginName, ClientAddress from, String why) {
        throttle.failed(loginName, from);
        record(AuditActor.client(from), AuditAction.LOGIN_FAILED, "login:" + loginName, why);
        return new LoginResult.InvalidCredentials();
    }

    private void record(AuditActor actor, AuditAction action, String subject, String detail) {
        audit.record(new AuditEvent(clock.instant(), actor, action, subject, detail));
    }
}
