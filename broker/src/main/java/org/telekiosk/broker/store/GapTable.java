package org.telekiosk.broker.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The SQL of gap tracking: tables {@code kiosk_ledger} and {@code seq_gap}. Every call runs in the caller's transaction. */
final class GapTable {
    private static final String GAPS = "SELECT first_seq, last_seq, opened_at, lost_at FROM seq_gap WHERE kiosk = ?";
    private static final String DELETE_GAPS = "DELETE FROM seq_gap WHERE kiosk = ?";
    private static final String INSERT_GAP =
            "INSERT INTO seq_gap (kiosk, first_seq, last_seq, opened_at, lost_at) VALUES (?, ?, ?, ?, ?)";

    private final Dialect dialect;
    /** SQLite: the batch's kiosks' progress rows made where missing, one statement a batch (PostgreSQL: in lock). */
    private final String ensure;
    /** The batch's kiosks' highest numbers; on PostgreSQL also made where missing and locked, in name order. */
    private final String lock;
    /** The batch's kiosks' gaps, by kiosk, lowest first. */
    private final String batchGaps;
    /** The batch's kiosks' new highest numbers, one statement. */
    private final String progress;
    /** The sweep's locks: the progress rows of the kiosks with gaps to report, in name order (PostgreSQL). */
    private final String sweepLock;
    private final String markLost;

    GapTable(Dialect dialect) {
        this.dialect = dialect;
        if (dialect == Dialect.POSTGRESQL) {
            // One statement makes the missing progress rows, locks them all and reads their highest numbers: the
            // rows go in (or, there already, are updated to themselves, which locks them) in kiosk-name order, one
            // after the other, as the writers before this one did kiosk by kiosk (insert, then select for update),
            // so that nodes of either version never wait for each other in a cycle. COLLATE "C": code-point order,
            // Java's String order for the kiosk ids' ASCII (TreeMap's, of the batch).
            ensure = null;
            lock = "INSERT INTO kiosk_ledger (kiosk, highest_seq) SELECT k, 0 FROM unnest(?::text[]) AS k"
                    + " ORDER BY k COLLATE \"C\" ON CONFLICT (kiosk) DO UPDATE SET highest_seq ="
                    + " kiosk_ledger.highest_seq RETURNING kiosk, highest_seq, span_first_seq, span_min_at, span_max_at";
            batchGaps = "SELECT kiosk, first_seq, last_seq, opened_at, lost_at FROM seq_gap"
                    + " WHERE kiosk = ANY(?::text[]) ORDER BY kiosk, first_seq";
            progress = "UPDATE kiosk_ledger AS p SET highest_seq = v.h, span_first_seq = v.f, span_min_at = v.lo,"
                    + " span_max_at = v.hi FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])"
                    + " AS v(k, h, f, lo, hi) WHERE p.kiosk = v.k";
            sweepLock = "SELECT kiosk FROM kiosk_ledger WHERE kiosk IN (SELECT kiosk FROM seq_gap"
                    + " WHERE lost_at IS NULL AND opened_at <= ?) ORDER BY kiosk COLLATE \"C\" FOR UPDATE";
            markLost = "UPDATE seq_gap SET lost_at = ? WHERE lost_at IS NULL AND opened_at <= ?"
                    + " AND kiosk = ANY(?::text[]) RETURNING last_seq - first_seq + 1";
        } else {
            // SQLite has no arrays: the kiosks go as one JSON array (ids are [a-z0-9-], JsonList escapes anyway).
            // "WHERE true": an INSERT ... SELECT with an upsert clause needs a WHERE to parse.
            ensure = "INSERT INTO kiosk_ledger (kiosk, highest_seq) SELECT value, 0 FROM json_each(?) WHERE true"
                    + " ON CONFLICT (kiosk) DO NOTHING";
            lock = "SELECT kiosk, highest_seq, span_first_seq, span_min_at, span_max_at FROM kiosk_ledger"
                    + " WHERE kiosk IN (SELECT value FROM json_each(?))";
            batchGaps = "SELECT kiosk, first_seq, last_seq, opened_at, lost_at FROM seq_gap"
                    + " WHERE kiosk IN (SELECT value FROM json_each(?)) ORDER BY kiosk, first_seq";
            // Each kiosk's value is [highest, span first, span min, span max] (JSON null: SQL NULL).
            progress = "UPDATE kiosk_ledger SET highest_seq = json_extract(v.value, '$[0]'), span_first_seq ="
                    + " json_extract(v.value, '$[1]'), span_min_at = json_extract(v.value, '$[2]'), span_max_at ="
                    + " json_extract(v.value, '$[3]') FROM json_each(?) AS v WHERE kiosk_ledger.kiosk = v.key";
            sweepLock = null;
            markLost = "UPDATE seq_gap SET lost_at = ? WHERE lost_at IS NULL AND opened_at <= ?"
                    + " RETURNING last_seq - first_seq + 1";
        }
    }

    /**
     * Loads the ledgers of a batch's kiosks (in name order, the map's) and, on PostgreSQL, locks their progress rows
     * in that order until the transaction ends, so that two broker nodes storing readings of one kiosk update its
     * gaps one after the other, and two nodes' batches cannot deadlock. Two or three statements a batch, whatever the
     * number of kiosks (issue 16: a fleet's batch holds about one reading a kiosk, and four statements a kiosk were
     * most of the writer's cost). On SQLite the first statement must be a write: it takes the database's write lock,
     * waiting out another writer (busy timeout), where a read first would make the later write an upgrade that
     * SQLite refuses at once (SQLITE_BUSY) while another connection writes ({@code SqliteMeasurementStoreTest}).
     */
    void load(WriterStatements s, java.util.SortedMap<String, GapLedger> ledgers,
            java.util.SortedMap<String, OpenSpan> spans) throws SQLException {
        String[] kiosks = ledgers.keySet().toArray(String[]::new);
        if (ensure != null) {
            PreparedStatement ensure = s.get(this.ensure);
            kiosks(ensure, 1, kiosks);
            ensure.executeUpdate();
        }
        java.util.Map<String, Long> highest = new java.util.HashMap<>(kiosks.length * 2);
        PreparedStatement lock = s.get(this.lock);
        kiosks(lock, 1, kiosks);
        try (ResultSet rs = lock.executeQuery()) {
            while (rs.next()) {
                highest.put(rs.getString(1), rs.getLong(2));
                spans.put(rs.getString(1), new OpenSpan(nullable(rs, 3), nullable(rs, 4), nullable(rs, 5)));
            }
        }
        java.util.Map<String, List<Gap>> gaps = new java.util.HashMap<>();
        PreparedStatement select = s.get(batchGaps);
        kiosks(select, 1, kiosks);
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                gaps.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(gap(rs, 2));
            }
        }
        for (String kiosk : kiosks) {
            Long h = highest.get(kiosk);
            if (h == null) {
                throw new IllegalStateException("no progress row for kiosk " + kiosk + " after inserting it");
            }
            ledgers.put(kiosk, new GapLedger(h, gaps.getOrDefault(kiosk, List.of())));
        }
    }

    /**
     * Writes what {@link GapLedger#record} changed and the kiosks' open spans ({@link SpanTable}): the highest numbers
     * and open spans of all changed kiosks in one statement (no page more than the highest numbers alone), and a
     * kiosk's gaps only if they changed (a reading that follows the one before, the usual case, changes the highest
     * number alone).
     */
    void save(WriterStatements s, java.util.SortedMap<String, GapLedger> ledgers,
            java.util.SortedMap<String, OpenSpan> spans) throws SQLException {
        List<String> kiosks = new ArrayList<>(ledgers.size());
        List<GapLedger> changed = new ArrayList<>(ledgers.size());
        List<OpenSpan> open = new ArrayList<>(ledgers.size());
        for (java.util.Map.Entry<String, GapLedger> e : ledgers.entrySet()) {
            OpenSpan span = spans.get(e.getKey());
            if (e.getValue().changed() || span.changed()) {
                kiosks.add(e.getKey());
                changed.add(e.getValue());
                open.add(span);
            }
        }
        if (kiosks.isEmpty()) {
            return;
        }
        PreparedStatement update = s.get(progress);
        if (dialect == Dialect.POSTGRESQL) {
            int n = changed.size();
            long[] highest = new long[n];
            Long[] first = new Long[n];
            Long[] min = new Long[n];
            Long[] max = new Long[n];
            for (int i = 0; i < n; i++) {
                highest[i] = changed.get(i).highest();
                first[i] = open.get(i).first();
                min[i] = open.get(i).min();
                max[i] = open.get(i).max();
            }
            update.setObject(1, kiosks.toArray(String[]::new));
            update.setObject(2, highest);
            update.setObject(3, first);
            update.setObject(4, min);
            update.setObject(5, max);
        } else {
            StringBuilder json = new StringBuilder(kiosks.size() * 80).append('{');
            for (int i = 0; i < kiosks.size(); i++) {
                OpenSpan span = open.get(i);
                JsonList.string(json.append(i == 0 ? "" : ","), kiosks.get(i)).append(":[")
                        .append(changed.get(i).highest()).append(',').append(span.first()).append(',')
                        .append(span.min()).append(',').append(span.max()).append(']');
            }
            update.setString(1, json.append('}').toString());
        }
        update.executeUpdate();
        for (int i = 0; i < kiosks.size(); i++) {
            if (changed.get(i).gapsChanged()) {
                saveGaps(s, kiosks.get(i), changed.get(i));
            }
        }
    }

    private static void saveGaps(WriterStatements s, String kiosk, GapLedger ledger) throws SQLException {
        PreparedStatement delete = s.get(DELETE_GAPS);
        delete.setString(1, kiosk);
        delete.executeUpdate();
        if (ledger.gaps().isEmpty()) {
            return;
        }
        PreparedStatement insert = s.get(INSERT_GAP);
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

    private static Long nullable(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    /** Binds a list of kiosk names: a text array on PostgreSQL, a JSON array on SQLite. */
    private void kiosks(PreparedStatement statement, int index, String[] kiosks) throws SQLException {
        if (dialect == Dialect.POSTGRESQL) {
            statement.setObject(index, kiosks);
        } else {
            statement.setString(index, JsonList.of(kiosks));
        }
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
                gaps.add(gap(rs, 1));
            }
        }
        return gaps;
    }

    /** The gap in the row's columns first_seq, last_seq, opened_at, lost_at, from column {@code at} on. */
    private static Gap gap(ResultSet rs, int at) throws SQLException {
        long lostAt = rs.getLong(at + 3);
        Optional<Instant> lost = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(lostAt));
        return new Gap(new SeqRange(rs.getLong(at), rs.getLong(at + 1)), Instant.ofEpochMilli(rs.getLong(at + 2)),
                lost);
    }

    /** The highest sequence number stored for a kiosk, 0 if none. */
    long highest(Connection c, String kiosk) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT highest_seq FROM kiosk_ledger WHERE kiosk = ?")) {
            select.setString(1, kiosk);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /**
     * Reports every gap opened at or before {@code cutoff} and not yet reported as lost, marking it with {@code now}.
     * On PostgreSQL it first locks the progress rows of the kiosks concerned, in name order as the writers do: another
     * node's writer rewrites a kiosk's gaps from what it read under that lock, and without it a gap marked lost here
     * meanwhile came back unmarked, to be reported (and counted) lost a second time.
     *
     * @return how many sequence numbers became lost
     */
    long markLost(Connection c, Instant cutoff, Instant now) throws SQLException {
        // SQLite: the write first, as in load: a read before it made the update an upgrade that SQLite refused at once
        // (SQLITE_BUSY) while another connection to the file wrote (SqliteMeasurementStoreTest). One writer a file.
        String[] kiosks = null;
        if (sweepLock != null) {
            List<String> locked = new ArrayList<>();
            try (PreparedStatement lock = c.prepareStatement(sweepLock)) {
                lock.setLong(1, cutoff.toEpochMilli());
                try (ResultSet rs = lock.executeQuery()) {
                    while (rs.next()) {
                        locked.add(rs.getString(1));
                    }
                }
            }
            if (locked.isEmpty()) {
                return 0;
            }
            kiosks = locked.toArray(String[]::new);
        }
        long count = 0;
        try (PreparedStatement mark = c.prepareStatement(markLost)) {
            mark.setLong(1, now.toEpochMilli());
            mark.setLong(2, cutoff.toEpochMilli());
            if (kiosks != null) {
                mark.setObject(3, kiosks);
            }
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
