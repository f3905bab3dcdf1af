package org.telekiosk.broker.account;

import static org.telekiosk.broker.store.SqlAccess.instant;
import static org.telekiosk.broker.store.SqlAccess.nanos;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.protocol.KioskId;

/**
 * Login and kiosk page sessions in the store's database, table {@code login_session} (migrations V2, V4: either
 * {@code account_id} or {@code kiosk} is set), keyed by the SHA-256 of the
 * token; the token itself is never stored. Sessions survive a broker restart and are shared by broker nodes.
 * Blocking: not on an event loop.
 */
public final class SqlSessionRepository implements SessionRepository {
    private final SqlAccess sql;

    public SqlSessionRepository(SqlAccess sql) {
        this.sql = Objects.requireNonNull(sql, "sql");
    }

    @Override
    public void insert(SessionRecord session) {
        sql.run("insert a session", c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO login_session (token_hash, account_id,"
                    + " kiosk, created_at, last_used_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                s.setString(1, session.tokenHash().hex());
                switch (session.principal()) {
                    case SessionPrincipal.OfAccount a -> {
                        s.setString(2, a.account().toString());
                        s.setNull(3, java.sql.Types.VARCHAR);
                    }
                    case SessionPrincipal.OfKiosk k -> {
                        s.setNull(2, java.sql.Types.VARCHAR);
                        s.setString(3, k.kiosk().value());
                    }
                }
                s.setLong(4, nanos(session.createdAt()));
                s.setLong(5, nanos(session.lastUsedAt()));
                s.setLong(6, nanos(session.expiresAt()));
                return s.executeUpdate();
            }
        });
    }

    @Override
    public Optional<SessionRecord> find(SecretHash tokenHash) {
        return sql.run("find a session", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT token_hash, account_id, kiosk, created_at,"
                    + " last_used_at, expires_at FROM login_session WHERE token_hash = ?")) {
                s.setString(1, tokenHash.hex());
                try (ResultSet row = s.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    String account = row.getString("account_id");
                    SessionPrincipal principal = account != null ? new SessionPrincipal.OfAccount(AccountId.of(account))
                            : new SessionPrincipal.OfKiosk(KioskId.of(row.getString("kiosk")));
                    return Optional.of(new SessionRecord(new SecretHash(row.getString("token_hash")), principal,
                            instant(row.getLong("created_at")),
                            instant(row.getLong("last_used_at")), instant(row.getLong("expires_at"))));
                }
            }
        });
    }

    @Override
    public void touch(SecretHash tokenHash, Instant at) {
        // Never moves the last use back: two requests of one session may finish in either order.
        update("touch a session", "UPDATE login_session SET last_used_at = ? WHERE token_hash = ? AND last_used_at < ?",
                nanos(at), tokenHash.hex(), nanos(at));
    }

    @Override
    public boolean delete(SecretHash tokenHash) {
        return update("delete a session", "DELETE FROM login_session WHERE token_hash = ?", tokenHash.hex()) == 1;
    }

    @Override
    public int deleteAllOf(AccountId account) {
        return update("delete an account's sessions", "DELETE FROM login_session WHERE account_id = ?",
                account.toString());
    }

    @Override
    public int deleteAllOf(KioskId kiosk) {
        return update("delete a kiosk's page sessions", "DELETE FROM login_session WHERE kiosk = ?", kiosk.value());
    }

    @Override
    public int deleteStale(Instant now, Instant idleCutoff) {
        return update("purge sessions", "DELETE FROM login_session WHERE expires_at <= ? OR last_used_at <= ?",
                nanos(now), nanos(idleCutoff));
    }

    private int update(String what, String statement, Object... parameters) {
        return sql.run(what, c -> {
            try (PreparedStatement s = c.prepareStatement(statement)) {
                for (int i = 0; i < parameters.length; i++) {
                    s.setObject(i + 1, parameters[i]);
                }
                return s.executeUpdate();
            }
        });
    }
}
