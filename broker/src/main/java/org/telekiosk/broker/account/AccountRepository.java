package org.telekiosk.broker.account;

import java.util.List;
import java.util.Optional;

/**
 * Where accounts live. Plain records in and out so that a SQL-backed implementation (SQLite/PostgreSQL, in the
 * same database as the measurement store) is a table {@code account(id, login_name unique, display_name, role, password_hash)}.
 * Implementations are thread-safe.
 */
public interface AccountRepository {
    /** The outcome of an insert. */
    enum InsertResult { INSERTED, LOGIN_NAME_TAKEN, ROLE_ALREADY_PRESENT }

    Optional<StoredAccount> findByLoginName(LoginName loginName);

    Optional<StoredAccount> findById(AccountId id);

    boolean anyAccountHas(Role role);

    /** Inserts {@code account} unless its login name is taken. */
    InsertResult insert(StoredAccount account);

    /**
     * Inserts {@code account} only if no account has {@code role}, atomically (in SQL: one transaction,
     * {@code INSERT … WHERE NOT EXISTS (SELECT 1 FROM account WHERE role = ?)} at serializable isolation).
     */
    InsertResult insertIfNoAccountHas(Role role, StoredAccount account);

    /** Every account, by login name; for the admin's account list. */
    List<Account> all();

    /** Replaces the password hash of an existing account (after a parameter upgrade or a password change). */
    void updatePasswordHash(AccountId id, String passwordHash);
}
