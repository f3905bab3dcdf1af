package org.telekiosk.broker.kiosk;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.telekiosk.broker.store.Dialect;
import org.telekiosk.broker.store.SqlAccess;

/**
 * The registry's tables (migration V9): {@code kiosk_registry} (one row: version, CRL number), {@code kiosk},
 * {@code enrollment_token}, {@code revoked_serial}. Reads a whole {@link KioskRegistry.State} and writes the
 * difference between two states; the caller holds the transaction.
 */
final class RegistryTables {
    private RegistryTables() {}

    /** The registry's version, its change counter. */
    static long version(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT version FROM kiosk_registry WHERE id = 1");
                ResultSet row = s.executeQuery()) {
            if (!row.next()) {
                throw new SQLException("the kiosk_registry row is missing (migration V9 not applied?)");
            }
            return row.getLong(1);
        }
    }

    /**
     * Runs {@code work} in one transaction that holds the registry's lock from its start, so that registry changes of
     * all nodes and processes run one at a time and each reads the state the previous one left: on SQLite
     * {@code BEGIN IMMEDIATE} (the database's write lock), on PostgreSQL {@code SELECT … FOR UPDATE} of the
     * {@code kiosk_registry} row at READ COMMITTED, where every later statement sees what was committed before the
     * lock was granted (no serialization failures to retry).
     */
    static <T> T locked(SqlAccess sql, String what, SqlAccess.Work<T> work) {
        if (sql.dialect() == Dialect.SQLITE) {
            return sql.inTransaction(what, work);
        }
        return sql.run(what, c -> {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            try {
                try (PreparedStatement s = c.prepareStatement(
                        "SELECT version FROM kiosk_registry WHERE id = 1 FOR UPDATE"); ResultSet row = s.executeQuery()) {
                    if (!row.next()) {
                        throw new SQLException("the kiosk_registry row is missing (migration V9 not applied?)");
                    }
                }
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        });
    }

    /** Whether the registry holds nothing yet: no kiosk, token or revoked serial, never changed. */
    static boolean isEmpty(Connection c) throws SQLException {
        return version(c) == 0 && count(c, "kiosk") == 0 && count(c, "enrollment_token") == 0
                && count(c, "revoked_serial") == 0;
    }

    private static long count(Connection c, String table) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM " + table);
                ResultSet row = s.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    static KioskRegistry.State load(Connection c) throws SQLException {
        long crlNumber;
        try (PreparedStatement s = c.prepareStatement("SELECT crl_number FROM kiosk_registry WHERE id = 1");
                ResultSet row = s.executeQuery()) {
            if (!row.next()) {
                throw new SQLException("the kiosk_registry row is missing (migration V9 not applied?)");
            }
            crlNumber = row.getLong(1);
        }
        List<KioskRecord> kiosks = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT id, label, serial, not_after, revoked_at FROM kiosk ORDER BY id");
                ResultSet row = s.executeQuery()) {
            while (row.next()) {
                kiosks.add(new KioskRecord(row.getString("id"), row.getString("label"), row.getString("serial"),
                        SqlAccess.optionalInstant(row, "not_after").orElse(null),
                        SqlAccess.optionalInstant(row, "revoked_at").orElse(null)));
            }
        }
        List<TokenRecord> tokens = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT secret_hash, kiosk, label, created_by, created_at, "
                + "expires_at, used_at FROM enrollment_token ORDER BY created_at, secret_hash");
                ResultSet row = s.executeQuery()) {
            while (row.next()) {
                tokens.add(new TokenRecord(row.getString("secret_hash"), row.getString("kiosk"),
                        row.getString("label"), row.getString("created_by"),
                        SqlAccess.instant(row.getLong("created_at")), SqlAccess.instant(row.getLong("expires_at")),
                        SqlAccess.optionalInstant(row, "used_at").orElse(null)));
            }
        }
        List<RevokedSerial> revoked = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT serial, kiosk, revoked_at, not_after, reason "
                + "FROM revoked_serial ORDER BY revoked_at, serial");
                ResultSet row = s.executeQuery()) {
            while (row.next()) {
                revoked.add(new RevokedSerial(row.getString("serial"), row.getString("kiosk"),
                        SqlAccess.instant(row.getLong("revoked_at")), SqlAccess.instant(row.getLong("not_after")),
                        row.getString("reason")));
            }
        }
        return new KioskRegistry.State(kiosks, tokens, revoked, crlNumber).canonical();
    }

    /**
     * Writes what differs between {@code before} (what the tables hold) and {@code after}, and bumps the version;
     * returns the new version.
     */
    static long write(Connection c, KioskRegistry.State before, KioskRegistry.State after) throws SQLException {
        diff(byKey(before.kiosks(), KioskRecord::id), byKey(after.kiosks(), KioskRecord::id),
                id -> delete(c, "DELETE FROM kiosk WHERE id = ?", id), k -> upsertKiosk(c, k));
        diff(byKey(before.tokens(), TokenRecord::secretHash), byKey(after.tokens(), TokenRecord::secretHash),
                hash -> delete(c, "DELETE FROM enrollment_token WHERE secret_hash = ?", hash), t -> upsertToken(c, t));
        diff(byKey(before.revokedSerials(), RevokedSerial::serial), byKey(after.revokedSerials(), RevokedSerial::serial),
                serial -> delete(c, "DELETE FROM revoked_serial WHERE serial = ?", serial), r -> upsertRevoked(c, r));
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE kiosk_registry SET version = version + 1, crl_number = ? WHERE id = 1")) {
            s.setLong(1, after.crlNumber());
            s.executeUpdate();
        }
        return version(c);
    }

    @FunctionalInterface
    private interface SqlStep<T> {
        void apply(T value) throws SQLException;
    }

    private static <T> Map<String, T> byKey(List<T> list, Function<T, String> key) {
        Map<String, T> map = new LinkedHashMap<>();
        for (T item : list) {
            map.putIfAbsent(key.apply(item), item); // a serial listed twice is one CRL entry: the first counts
        }
        return map;
    }

    private static <T> void diff(Map<String, T> before, Map<String, T> after, SqlStep<String> delete,
            SqlStep<T> upsert) throws SQLException {
        for (String key : before.keySet()) {
            if (!after.containsKey(key)) {
                delete.apply(key);
            }
        }
        for (Map.Entry<String, T> entry : after.entrySet()) {
            if (!Objects.equals(before.get(entry.getKey()), entry.getValue())) {
                upsert.apply(entry.getValue());
            }
        }
    }

    private static void delete(Connection c, String sql, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, key);
            s.executeUpdate();
        }
    }

    private static void upsertKiosk(Connection c, KioskRecord k) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO kiosk (id, label, serial, not_after, revoked_at) "
                + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET label = excluded.label, "
                + "serial = excluded.serial, not_after = excluded.not_after, revoked_at = excluded.revoked_at")) {
            s.setString(1, k.id());
            s.setString(2, k.label());
            s.setString(3, k.serial());
            SqlAccess.setOptionalInstant(s, 4, Optional.ofNullable(k.notAfter()));
            SqlAccess.setOptionalInstant(s, 5, Optional.ofNullable(k.revokedAt()));
            s.executeUpdate();
        }
    }

    private static void upsertToken(Connection c, TokenRecord t) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO enrollment_token (secret_hash, kiosk, label, "
                + "created_by, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (secret_hash) DO UPDATE SET kiosk = excluded.kiosk, label = excluded.label, "
                + "created_by = excluded.created_by, created_at = excluded.created_at, "
                + "expires_at = excluded.expires_at, used_at = excluded.used_at")) {
            s.setString(1, t.secretHash());
            s.setString(2, t.kiosk());
            s.setString(3, t.label());
            s.setString(4, t.createdBy());
            s.setLong(5, SqlAccess.nanos(t.createdAt()));
            s.setLong(6, SqlAccess.nanos(t.expiresAt()));
            SqlAccess.setOptionalInstant(s, 7, Optional.ofNullable(t.usedAt()));
            s.executeUpdate();
        }
    }

    private static void upsertRevoked(Connection c, RevokedSerial r) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO revoked_serial (serial, kiosk, revoked_at, "
                + "not_after, reason) VALUES (?, ?, ?, ?, ?) ON CONFLICT (serial) DO UPDATE SET "
                + "kiosk = excluded.kiosk, revoked_at = excluded.revoked_at, not_after = excluded.not_after, "
                + "reason = excluded.reason")) {
            s.setString(1, r.serial());
            s.setString(2, r.kiosk());
            s.setLong(3, SqlAccess.nanos(r.at()));
            s.setLong(4, SqlAccess.nanos(r.notAfter()));
            s.setString(5, r.reason());
            s.executeUpdate();
        }
    }

    /** Raises the kiosks' last-seen times to {@code seen} where they are older; unknown kiosks are skipped. */
    static void raiseLastSeen(Connection c, Map<String, Instant> seen) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE kiosk SET last_seen = ? WHERE id = ? AND (last_seen IS NULL OR last_seen < ?)")) {
            for (Map.Entry<String, Instant> e : seen.entrySet()) {
                long at = SqlAccess.nanos(e.getValue());
                s.setLong(1, at);
                s.setString(2, e.getKey());
                s.setLong(3, at);
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /** Every kiosk's last-seen time, as any node recorded it. */
    static Map<String, Instant> lastSeen(Connection c) throws SQLException {
        Map<String, Instant> seen = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id, last_seen FROM kiosk WHERE last_seen IS NOT NULL");
                ResultSet row = s.executeQuery()) {
            while (row.next()) {
                seen.put(row.getString(1), SqlAccess.instant(row.getLong(2)));
            }
        }
        return seen;
    }
}
