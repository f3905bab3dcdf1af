package org.telekiosk.broker.account;

import java.security.SecureRandom;
import org.telekiosk.broker.audit.InMemoryAuditLog;
import org.telekiosk.broker.testing.MutableClock;

/** The account services wired with in-memory stores, small Argon2id parameters and a clock the test moves. */
final class AccountTestKit {
    static final Argon2idParameters FAST = org.telekiosk.broker.testing.TestHashing.FAST;

    final MutableClock clock = MutableClock.startingAt("2026-03-02T08:00:00Z");
    final InMemoryAuditLog audit = new InMemoryAuditLog();
    final InMemoryAccountRepository accounts = new InMemoryAccountRepository();
    final InMemorySessionRepository sessionStore = new InMemorySessionRepository();
    final SecureRandom random = new SecureRandom();
    final PasswordHasher hasher;
    final Sessions sessions;
    final AccountService accountService;
    final LoginService loginService;

    AccountTestKit() {
        this(FAST);
    }

    AccountTestKit(Argon2idParameters parameters) {
        hasher = new PasswordHasher(parameters, random);
        sessions = new Sessions(sessionStore, accounts, SessionPolicy.DEFAULT, random, clock);
        accountService = new AccountService(accounts, hasher, PasswordPolicy.DEFAULT, audit, clock);
        loginService = new LoginService(accounts, hasher, sessions, new LoginThrottle(clock, LockoutPolicy.LOGIN),
                audit, clock);
    }

    Account admin() {
        return ((AccountCreation.Created) accountService.createFirstAdmin(LoginName.of("admin"),
                DisplayName.of("Admin"), Password.of("admin password 1"))).account();
    }

    Account create(Account admin, String login, Role role, String password) {
        return ((AccountCreation.Created) accountService.createAccount(admin, LoginName.of(login),
                DisplayName.of(login), role, Password.of(password))).account();
    }
}
