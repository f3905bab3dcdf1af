package org.telekiosk.broker.account;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.AuditEvent;
import org.telekiosk.broker.audit.AuditLog;

/**
 * Creates accounts: the first admin (for the admin CLI command, only while no admin exists, so that a running broker
 * can never be taken over through it), and any account by an admin. New passwords must pass the
 * {@link PasswordPolicy} and are stored as Argon2id hashes. Hashing blocks: not on an event loop.
 */
public final class AccountService {
    private final AccountRepository accounts;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final AuditLog audit;
    private final Clock clock;

    public AccountService(AccountRepository accounts, PasswordHasher hasher, PasswordPolicy policy, AuditLog audit,
            Clock clock) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Creates an admin account, only if no admin exists yet (checked atomically by the repository). */
    public AccountCreation createFirstAdmin(LoginName loginName, DisplayName displayName, Password password) {
        if (accounts.anyAccountHas(Role.ADMIN)) {
            // Only spares a slow hash when the command is run again; the atomic insert below is the real check.
            return new AccountCreation.NotAllowed("an admin account exists already");
        }
        List<PasswordProblem> problems = policy.check(loginName, password);
        if (!problems.isEmpty()) {
            return new AccountCreation.WeakPassword(problems);
        }
        Account account = new Account(AccountId.random(), loginName, displayName, Role.ADMIN);
        StoredAccount stored = new StoredAccount(account, hasher.hash(password));
        return switch (accounts.insertIfNoAccountHas(Role.ADMIN, stored)) {
            case INSERTED -> created(AuditActor.system(), AuditAction.FIRST_ADMIN_CREATED, account);
            case LOGIN_NAME_TAKEN -> new AccountCreation.LoginNameTaken();
            case ROLE_ALREADY_PRESENT -> new AccountCreation.NotAllowed("an admin account exists already");
        };
    }

    /** Creates an account of any role; only an admin may. */
    public AccountCreation createAccount(Account actor, LoginName loginName, DisplayName displayName, Role role,
            Password password) {
        if (actor.role() != Role.ADMIN) {
            return new AccountCreation.NotAllowed("only an admin may create accounts");
        }
        List<PasswordProblem> problems = policy.check(loginName, password);
        if (!problems.isEmpty()) {
            return new AccountCreation.WeakPassword(problems);
        }
        Account account = new Account(AccountId.random(), loginName, displayName, role);
        return switch (accounts.insert(new StoredAccount(account, hasher.hash(password)))) {
            case INSERTED -> created(AuditActor.account(actor.id()), AuditAction.ACCOUNT_CREATED, account);
            case LOGIN_NAME_TAKEN -> new AccountCreation.LoginNameTaken();
            case ROLE_ALREADY_PRESENT -> throw new IllegalStateException("insert does not check roles");
        };
    }

    /** Every account, by login name; only an admin may list them. */
    public Optional<List<Account>> list(Account actor) {
        return actor.role() == Role.ADMIN ? Optional.of(accounts.all()) : Optional.empty();
    }

    public Optional<Account> find(AccountId id) {
        return accounts.findById(id).map(StoredAccount::account);
    }

    private AccountCreation created(AuditActor actor, AuditAction action, Account account) {
        audit.record(new AuditEvent(clock.instant(), actor, action, "account:" + account.id(),
                "login " + account.loginName() + ", role " + account.role()));
        return new AccountCreation.Created(account);
    }
}
