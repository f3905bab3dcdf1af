package org.telekiosk.broker.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The SQL of gap tracking: tables {@code kiosk_progress} and {@code seq_gap}. Every call runs in the caller's transaction. */
final class GapTable {
    private static final String GAPS = "SELECT first_seq, last_seq, opened_at, lost_at FROM seq_gap WHERE kiosk = ?";
    /** The writer's read of a kiosk's highest number, locking the row on PostgreSQL; made once (it is the key). */
    private final String highestForUpdate;

    GapTable(Dialect dialect) {
        this.highestForUpdate = "SELECT highest_seq FROM kiosk_progress WHERE kiosk = ?"
                + (dialect == Dialect.POSTGRESQL ? " FOR UPDATE" : "");
    }

    /**
     * Loads a kiosk's ledger and, on PostgreSQL, locks its progress row until the transaction ends, so that two broker
     * nodes storing readings of one kiosk update its gaps one after the other. On SQLite the first statement must be
     * a write: it takes the database's write lock, waiting out another writer (busy timeout), where a read first
     * would make the later write an upgrade that SQLite refuses at once (SQLITE_BUSY) while another connection writes
     * ({@code SqliteMeasurementStoreTest}). On the writer's kept statements.
     */
    GapLedger load(WriterStatements s, String kiosk) throws SQLException {
        PreparedStatement ensure = s.get(
                "INSERT INTO kiosk_progress (kiosk, highest_seq) VALUES (?, 0) ON CONFLICT (kiosk) DO NOTHING");
        ensure.setString(1, kiosk);
        ensure.executeUpdate();
        long highest;
        PreparedStatement lock = s.get(highestForUpdate);
        lock.setString(1, kiosk);
        try (ResultSet rs = lock.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("no progress row for kiosk " + kiosk + " after inserting it");
            }
            highest = rs.getLong(1);
        }
        PreparedStatement select = s.get(GAPS + " ORDER BY first_seq");
        select.setString(1, kiosk);
        return new GapLedger(highest, gaps(select));
    }

    /**
     * Writes what {@link GapLedger#record} changed: the highest number, and the gaps only if they changed (a reading
     * that follows the one before, the usual case, changes the highest number alone).
     */
    void save(WriterStatements s, String kiosk, GapLedger ledger) throws SQLException {
        PreparedStatement progress = s.get("UPDATE kiosk_progress SET highest_seq = ? WHERE kiosk = ?");
        progress.setLong(1, ledger.highest());
        progress.setString(2, kiosk);
        progress.executeUpdate();
        if (!ledger.gapsChanged()) {
            return;
        }
        PreparedStatement delete = s.get("DELETE FROM seq_gap WHERE kiosk = ?");
        delete.setString(1, kiosk);
        delete.executeUpdate();
        if (ledger.gaps().isEmpty()) {
            return;
        }
        PreparedStatement insert = s.get("INSERT INTO seq_gap"
                + " (kiosk, first_seq, last_seq, opened_at, lost_at) VALUES (?, ?, ?, ?, ?)");
        for (Gap gap : ledger.gaps()) {
            insert.setString(1, kiosk);
            insert.setLong(2, gap.range().first());
            insert.setLong(3, gap.range().last());
            insert.setLong(4, gap.openedAt().toEpochMilli());
            if (gap.lostAt().isPresent()) {
                insert.setLong(5, gap.lostAt().get().toEpochMilli());
            } else {
                insert.setNull(5, java.sql.Types.BIGINT);
            }
            insert.addBatch();
        }
        insert.executeBatch();
    }

    /** A kiosk's gaps, lowest first; only the lost ones if {@code lostOnly}. */
    List<Gap> gaps(Connection c, String kiosk, boolean lostOnly) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(GAPS + (lostOnly ? " AND lost_at IS NOT NULL" : "")
                + " ORDER BY first_seq")) {
            select.setString(1, kiosk);
            return gaps(select);
        }
    }

    private static List<Gap> gaps(PreparedStatement select) throws SQLException {
        List<Gap> gaps = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                long lostAt = rs.getLong(4);
                Optional<Instant> lost = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(lostAt));
                gaps.add(new Gap(new SeqRange(rs.getLong(1), rs.getLong(2)), Instant.ofEpochMilli(rs.getLong(3)),
                        lost));
            }
        }
        return gaps;
    }

    /** The highest sequence number stored for a kiosk, 0 if none. */
    long highest(Connection c, String kiosk) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT highest_seq FROM kiosk_progress WHERE kiosk = ?")) {
            select.setString(1, kiosk);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /**
     * Reports every gap opened at or before {@code cutoff} and not yet reported as lost, marking it with {@code now}.
     *
     * @return how many sequence numbers became lost
     */
    long markLost(Connection c, Instant cutoff, Instant now) throws SQLException {
        // The write first, as in load: a sum read before it made the update an upgrade that SQLite refused at once
        // (SQLITE_BUSY) while another connection to the file wrote (SqliteMeasurementStoreTest).
        long count = 0;
        try (PreparedStatement mark = c.prepareStatement("UPDATE seq_gap SET lost_at = ?"
                + " WHERE lost_at IS NULL AND opened_at <= ? RETURNING last_seq - first_seq + 1")) {
            mark.setLong(1, now.toEpochMilli());
            mark.setLong(2, cutoff.toEpochMilli());
            try (ResultSet rs = mark.executeQuery()) {
                while (rs.next()) {
                    count += rs.getLong(1);
                }
            }
        }
        return count;
    }

    /** How many sequence numbers of all kiosks are reported lost and still missing. */
    long lostTotal(Connection c) throws SQLException {
        try (PreparedStatement sum = c.prepareStatement(
                "SELECT COALESCE(SUM(last_seq - first_seq + 1), 0) FROM seq_gap WHERE lost_at IS NOT NULL");
                ResultSet rs = sum.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
