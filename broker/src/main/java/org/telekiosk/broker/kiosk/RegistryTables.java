package org.telekiosk.broker.kiosk;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.telekiosk.broker.store.Dialect;
import org.telekiosk.broker.store.SqlAccess;

/**
 * The registry's tables (migrations V9, V13): {@code kiosk_registry} (one row: version, CRL number, stamped
 * changes), {@code kiosk}, {@code enrollment_token}, {@code revoked_serial}. Every statement reads or writes rows by
 * their key (kiosk id, token hash, serial) or by an index (the version stamp, the expiry); none reads the whole
 * registry except {@link #changesSince} when a node loads it in full. The caller holds the transaction.
 */
final class RegistryTables {
    /** Tokens are kept this long past their expiry (to tell "expired" from "unknown"), then deleted. */
    static final Duration TOKEN_AFTERLIFE = Duration.ofDays(7);

    private RegistryTables() {}

    /** The registry's row: its version (change counter), CRL number, and how many changes stamped their rows. */
    record Head(long version, long crlNumber, long stampedChanges) {}

    /** What changed since a version: the rows stamped since, or every row when {@code full}. */
    record Delta(Head head, List<KioskRecord> kiosks, List<RevokedSerial> revoked, boolean full) {}

    static Head head(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT version, crl_number, stamped_changes FROM kiosk_registry WHERE id = 1");
                ResultSet row = s.executeQuery()) {
            if (!row.next()) {
                throw new SQLException("the kiosk_registry row is missing (migration V9 not applied?)");
            }
            return new Head(row.getLong(1), row.getLong(2), row.getLong(3));
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

    /** Runs {@code work} in one read snapshot (PostgreSQL: REPEATABLE READ; SQLite: one read transaction). */
    static <T> T snapshot(SqlAccess sql, String what, SqlAccess.Work<T> work) {
        return sql.run(what, c -> {
            c.setAutoCommit(false);
            if (sql.dialect() == Dialect.POSTGRESQL) {
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            }
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        });
    }

    /**
     * The kiosks and revoked serials a node that last read version {@code from} (of {@code fromStamped} stamped
     * changes) has not seen: the rows stamped after {@code from}, found by index. Every row instead (a full load)
     * when the node has read nothing yet ({@code from < 0}), when the version went back (a restored database), or when
     * some change since did not stamp its rows (a node of an earlier version wrote it).
     */
    static Delta changesSince(Connection c, long from, long fromStamped) throws SQLException {
        Head head = head(c);
        if (head.version() == from && head.stampedChanges() == fromStamped) {
            return new Delta(head, List.of(), List.of(), false);
        }
        boolean full = from < 0 || head.version() < from
                || head.version() - from != head.stampedChanges() - fromStamped;
        long after = full ? Long.MIN_VALUE : from;
        return new Delta(head, kiosksAfter(c, after), revokedAfter(c, after), full);
    }

    private static List<KioskRecord> kiosksAfter(Connection c, long version) throws SQLException {
        List<KioskRecord> kiosks = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT id, label, serial, not_after, revoked_at FROM kiosk WHERE registry_version > ?")) {
            s.setLong(1, version);
            try (ResultSet row = s.executeQuery()) {
                while (row.next()) {
                    kiosks.add(kiosk(row));
                }
            }
        }
        return kiosks;
    }

    private static List<RevokedSerial> revokedAfter(Connection c, long version) throws SQLException {
        List<RevokedSerial> revoked = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT serial, kiosk, revoked_at, not_after, reason "
                + "FROM revoked_serial WHERE registry_version > ?")) {
            s.setLong(1, version);
            try (ResultSet row = s.executeQuery()) {
                while (row.next()) {
                    revoked.add(new RevokedSerial(row.getString("serial"), row.getString("kiosk"),
                            SqlAccess.instant(row.getLong("revoked_at")), SqlAccess.instant(row.getLong("not_after")),
                            row.getString("reason")));
                }
            }
        }
        return revoked;
    }

    private static KioskRecord kiosk(ResultSet row) throws SQLException {
        return new KioskRecord(row.getString("id"), row.getString("label"), row.getString("serial"),
                SqlAccess.optionalInstant(row, "not_after").orElse(null),
                SqlAccess.optionalInstant(row, "revoked_at").orElse(null));
    }

    /** The kiosk {@code id} as the database holds it. */
    static Optional<KioskRecord> kiosk(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT id, label, serial, not_after, revoked_at FROM kiosk WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet row = s.executeQuery()) {
                return row.next() ? Optional.of(kiosk(row)) : Optional.empty();
            }
        }
    }

    /** The token whose secret hashes to {@code secretHash}, as the database holds it. */
    static Optional<TokenRecord> token(Connection c, String secretHash) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT secret_hash, kiosk, label, created_by, created_at, "
                + "expires_at, used_at FROM enrollment_token WHERE secret_hash = ?")) {
            s.setString(1, secretHash);
            try (ResultSet row = s.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new TokenRecord(row.getString("secret_hash"), row.getString("kiosk"),
                        row.getString("label"), row.getString("created_by"),
                        SqlAccess.instant(row.getLong("created_at")), SqlAccess.instant(row.getLong("expires_at")),
                        SqlAccess.optionalInstant(row, "used_at").orElse(null)));
            }
        }
    }

    /** Whether {@code serial} is listed for the CRL. */
    static boolean revoked(Connection c, String serial) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM revoked_serial WHERE serial = ?")) {
            s.setString(1, serial);
            try (ResultSet row = s.executeQuery()) {
                return row.next();
            }
        }
    }

    /** Inserts or replaces the kiosk's row, stamped with {@code version}. */
    static void putKiosk(Connection c, KioskRecord k, long version) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO kiosk (id, label, serial, not_after, revoked_at, "
                + "registry_version) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET label = excluded.label, "
                + "serial = excluded.serial, not_after = excluded.not_after, revoked_at = excluded.revoked_at, "
                + "registry_version = excluded.registry_version")) {
            s.setString(1, k.id());
            s.setString(2, k.label());
            s.setString(3, k.serial());
            SqlAccess.setOptionalInstant(s, 4, Optional.ofNullable(k.notAfter()));
            SqlAccess.setOptionalInstant(s, 5, Optional.ofNullable(k.revokedAt()));
            s.setLong(6, version);
            s.executeUpdate();
        }
    }

    /** Inserts a new token (its hash is new: 256 random bits). */
    static void insertToken(Connection c, TokenRecord t) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO enrollment_token (secret_hash, kiosk, label, "
                + "created_by, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
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

    /**
     * Marks the token used at {@code at} if it is unused, names {@code kiosk} and has not expired at {@code at}: one
     * conditional update, so of two redemptions (on any nodes) exactly one changes the row. Returns whether this one
     * did.
     */
    static boolean redeemToken(Connection c, String secretHash, String kiosk, Instant at) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE enrollment_token SET used_at = ? WHERE secret_hash = ? "
                + "AND kiosk = ? AND used_at IS NULL AND expires_at > ?")) {
            long now = SqlAccess.nanos(at);
            s.setLong(1, now);
            s.setString(2, secretHash);
            s.setString(3, kiosk);
            s.setLong(4, now);
            return s.executeUpdate() == 1;
        }
    }

    /** Lists {@code r} for the CRL, stamped with {@code version}, unless its serial is listed already; returns whether. */
    static boolean insertRevoked(Connection c, RevokedSerial r, long version) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO revoked_serial (serial, kiosk, revoked_at, "
                + "not_after, reason, registry_version) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (serial) DO NOTHING")) {
            s.setString(1, r.serial());
            s.setString(2, r.kiosk());
            s.setLong(3, SqlAccess.nanos(r.at()));
            s.setLong(4, SqlAccess.nanos(r.notAfter()));
            s.setString(5, r.reason());
            s.setLong(6, version);
            return s.executeUpdate() == 1;
        }
    }

    /** Records a change that stamped its rows: the new version and CRL number, one more stamped change. */
    static void bump(Connection c, long version, long crlNumber) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE kiosk_registry SET version = ?, crl_number = ?, "
                + "stamped_changes = stamped_changes + 1 WHERE id = 1")) {
            s.setLong(1, version);
            s.setLong(2, crlNumber);
            s.executeUpdate();
        }
    }

    /**
     * Deletes tokens expired more than {@link #TOKEN_AFTERLIFE} before {@code now} and CRL entries of certificates
     * expired by {@code now} (both by index: nothing to delete costs one index probe). Not a registry change: the
     * nodes drop expired CRL entries themselves, and keep no tokens.
     */
    static void prune(Connection c, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM enrollment_token WHERE expires_at <= ?")) {
            s.setLong(1, SqlAccess.nanos(now.minus(TOKEN_AFTERLIFE)));
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM revoked_serial WHERE not_after <= ?")) {
            s.setLong(1, SqlAccess.nanos(now));
            s.executeUpdate();
        }
    }

    /** Whether the registry holds nothing yet: no kiosk, token or revoked serial, never changed. */
    static boolean isEmpty(Connection c) throws SQLException {
        return head(c).version() == 0 && count(c, "kiosk") == 0 && count(c, "enrollment_token") == 0
                && count(c, "revoked_serial") == 0;
    }

    private static long count(Connection c, String table) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM " + table);
                ResultSet row = s.executeQuery()) {
            row.next();
            return row.getLong(1);
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
