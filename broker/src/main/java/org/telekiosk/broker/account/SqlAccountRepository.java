package org.telekiosk.broker.account;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.telekiosk.broker.store.SqlAccess;

/**
 * Accounts in the store's database, table {@code account} (migration V2). The unique login name makes
 * {@link #insert} safe across broker nodes; {@link #insertIfNoAccountHas} checks and inserts in one serializable
 * transaction. Blocking: not on an event loop.
 */
public final class SqlAccountRepository implements AccountRepository {
    private static final String COLUMNS = "id, login_name, display_name, role, password_hash";

    private final SqlAccess sql;

    public SqlAccountRepository(SqlAccess sql) {
        this.sql = Objects.requireNonNull(sql, "sql");
    }

    @Override
    public Optional<StoredAccount> findByLoginName(LoginName loginName) {
        return sql.run("find an account", c -> one(c, "SELECT " + COLUMNS + " FROM account WHERE login_name = ?",
                loginName.value()));
    }

    @Override
    public Optional<StoredAccount> findById(AccountId id) {
        return sql.run("find an account", c -> one(c, "SELECT " + COLUMNS + " FROM account WHERE id = ?",
                id.toString()));
    }

    @Override
    public boolean anyAccountHas(Role role) {
        return sql.run("look for an account role", c -> hasRole(c, role));
    }

    @Override
    public InsertResult insert(StoredAccount account) {
        return sql.run("insert an account", c -> insert(c, account));
    }

    @Override
    public InsertResult insertIfNoAccountHas(Role role, StoredAccount account) {
        return sql.inTransaction("insert the first account of a role",
                c -> hasRole(c, role) ? InsertResult.ROLE_ALREADY_PRESENT : insert(c, account));
    }

    @Override
    public List<Account> all() {
        return sql.run("list accounts", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM account ORDER BY login_name");
                    ResultSet row = s.executeQuery()) {
                List<Account> accounts = new ArrayList<>();
                while (row.next()) {
                    accounts.add(read(row).account());
                }
                return List.copyOf(accounts);
            }
        });
    }

    @Override
    public void updatePasswordHash(AccountId id, String passwordHash) {
        sql.run("update a password hash", c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE account SET password_hash = ? WHERE id = ?")) {
                s.setString(1, passwordHash);
                s.setString(2, id.toString());
                return s.executeUpdate();
            }
        });
    }

    private static boolean hasRole(Connection c, Role role) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM account WHERE role = ? LIMIT 1")) {
            s.setString(1, role.name());
            try (ResultSet row = s.executeQuery()) {
                return row.next();
            }
        }
    }

    private static InsertResult insert(Connection c, StoredAccount stored) throws SQLException {
        Account a = stored.account();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO account (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?) ON CONFLICT (login_name) DO NOTHING")) {
            s.setString(1, a.id().toString());
            s.setString(2, a.loginName().value());
            s.setString(3, a.displayName().value());
            s.setString(4, a.role().name());
            s.setString(5, stored.passwordHash());
            return s.executeUpdate() == 1 ? InsertResult.INSERTED : InsertResult.LOGIN_NAME_TAKEN;
        }
    }

    private static Optional<StoredAccount> one(Connection c, String query, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(query)) {
            s.setString(1, key);
            try (ResultSet row = s.executeQuery()) {
                return row.next() ? Optional.of(read(row)) : Optional.empty();
            }
        }
    }

    private static StoredAccount read(ResultSet row) throws SQLException {
        return new StoredAccount(new Account(AccountId.of(row.getString("id")),
                new LoginName(row.getString("login_name")), new DisplayName(row.getString("display_name")),
                Role.valueOf(row.getString("role"))), row.getString("password_hash"));
    }
}
