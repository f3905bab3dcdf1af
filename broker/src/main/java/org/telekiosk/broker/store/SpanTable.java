package org.telekiosk.broker.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * The store writer's side of the spans (V14): takes each newly stored reading into its kiosk's open span
 * ({@link OpenSpan}, saved by {@link GapTable#save}) or, rarely, into a closed span of {@code reading_span}, and
 * closes the open spans that are due. Every call runs in the writer's transaction, after {@link GapTable#load} locked
 * the batch's kiosks' ledger rows: on PostgreSQL a kiosk's spans change under that lock only, so two nodes storing
 * one kiosk's readings change them one after the other.
 */
final class SpanTable {
    /** A closed span: numbers {@code first..last}, times {@code min..max} (epoch nanoseconds), all included. */
    record Span(long first, long last, long min, long max) {}

    private static final String COLUMNS = "SELECT first_seq, last_seq, min_at, max_at FROM reading_span WHERE kiosk = ?";
    private static final String AT_OR_BELOW = COLUMNS + " AND first_seq <= ? ORDER BY first_seq DESC LIMIT 1";
    private static final String RESHAPE = "UPDATE reading_span SET first_seq = ?, last_seq = ?, min_at = ?, max_at = ?"
            + " WHERE kiosk = ? AND first_seq = ?";
    private static final String CLOSE =
            "INSERT INTO reading_span (kiosk, first_seq, last_seq, min_at, max_at) VALUES (?, ?, ?, ?, ?)";

    /**
     * Takes the batch's newly stored readings into the spans, then closes the open spans that are due.
     *
     * @param spans   the batch's kiosks' open spans, as {@link GapTable#load} read them
     * @param highest a kiosk's highest number received after this batch
     */
    void record(WriterStatements s, SortedMap<String, OpenSpan> spans, List<Measurement> spots,
            List<WaveformBatch> waves, java.util.function.ToLongFunction<String> highest) throws SQLException {
        for (Measurement m : spots) {
            String kiosk = m.kiosk().value();
            take(s, kiosk, spans.get(kiosk), m.seq(), ReadingTable.nanos(m.takenAt()), highest.applyAsLong(kiosk));
        }
        for (WaveformBatch w : waves) {
            String kiosk = w.kiosk().value();
            take(s, kiosk, spans.get(kiosk), w.seq(), ReadingTable.nanos(w.start()), highest.applyAsLong(kiosk));
        }
        PreparedStatement close = null;
        for (var e : spans.entrySet()) {
            Span closed = e.getValue().closeIfDue(highest.applyAsLong(e.getKey()));
            if (closed != null) {
                close = close != null ? close : s.get(CLOSE);
                close.setString(1, e.getKey());
                close.setLong(2, closed.first());
                close.setLong(3, closed.last());
                close.setLong(4, closed.min());
                close.setLong(5, closed.max());
                close.addBatch();
            }
        }
        if (close != null) {
            close.executeBatch();
        }
    }

    /**
     * One reading: into the open span if its number is there (the usual case, no statement). Else (a late gap fill,
     * or a kiosk's first readings coming highest first): into the closed span whose numbers hold it, its times widened
     * if need be; else into the open span lowered to it, or the closed span nearest below stretched up to it, if that
     * span stays within the closing limits; else into a new closed span of its own. So no span grows past the limits
     * through this path (a span holding the reading's number aside), and a kiosk whose first readings came highest
     * first does not end with one span over all its numbers.
     */
    private static void take(WriterStatements s, String kiosk, OpenSpan open, long seq, long at, long highest)
            throws SQLException {
        if (open.covers(seq)) {
            open.widen(at);
            return;
        }
        Span below = one(s, AT_OR_BELOW, kiosk, seq);
        if (below != null && below.last() >= seq) {
            reshape(s, kiosk, below, new Span(below.first(), below.last(), Math.min(below.min(), at),
                    Math.max(below.max(), at)));
        } else if (open.canLowerTo(seq, at, highest)) {
            open.lowerTo(seq, at);
        } else if (below != null && seq - below.first() < OpenSpan.CLOSE_NUMBERS
                && Math.max(below.max(), at) - Math.min(below.min(), at) <= OpenSpan.CLOSE_WIDTH_NANOS) {
            reshape(s, kiosk, below, new Span(below.first(), seq, Math.min(below.min(), at),
                    Math.max(below.max(), at)));
        } else {
            PreparedStatement insert = s.get(CLOSE);
            insert.setString(1, kiosk);
            insert.setLong(2, seq);
            insert.setLong(3, seq);
            insert.setLong(4, at);
            insert.setLong(5, at);
            insert.executeUpdate();
        }
    }

    private static Span one(WriterStatements s, String sql, String kiosk, Long seq) throws SQLException {
        PreparedStatement select = s.get(sql);
        select.setString(1, kiosk);
        if (seq != null) {
            select.setLong(2, seq);
        }
        try (ResultSet rs = select.executeQuery()) {
            return rs.next() ? new Span(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)) : null;
        }
    }

    private static void reshape(WriterStatements s, String kiosk, Span was, Span now) throws SQLException {
        if (now.equals(was)) {
            return;
        }
        PreparedStatement update = s.get(RESHAPE);
        update.setLong(1, now.first());
        update.setLong(2, now.last());
        update.setLong(3, now.min());
        update.setLong(4, now.max());
        update.setString(5, kiosk);
        update.setLong(6, was.first());
        update.executeUpdate();
    }

    /**
     * The number ranges to read for a kiosk's time range [from, to) (epoch nanoseconds), merged, lowest first: the open
     * span's (up to {@link Long#MAX_VALUE}) read FIRST, then the closed spans', then (by the caller) the rows. In one
     * snapshot that order does not matter; without one it still misses no reading committed before the read began: a
     * span closed meanwhile was open when read, and closed spans only ever grow.
     */
    static List<long[]> ranges(java.sql.Connection c, String kiosk, long from, long to) throws SQLException {
        List<long[]> found = new ArrayList<>();
        try (PreparedStatement open = c.prepareStatement(
                "SELECT span_first_seq, span_min_at, span_max_at FROM kiosk_ledger WHERE kiosk = ?")) {
            open.setString(1, kiosk);
            try (ResultSet rs = open.executeQuery()) {
                if (rs.next()) {
                    long first = rs.getLong(1);
                    boolean none = rs.wasNull();
                    long min = rs.getLong(2);
                    none |= rs.wasNull();
                    long max = rs.getLong(3);
                    none |= rs.wasNull();
                    if (!none && min < to && max >= from) {
                        found.add(new long[] {first, Long.MAX_VALUE});
                    }
                }
            }
        }
        try (PreparedStatement closed = c.prepareStatement("SELECT first_seq, last_seq FROM reading_span"
                + " WHERE kiosk = ? AND max_at >= ? AND min_at < ?")) {
            closed.setString(1, kiosk);
            closed.setLong(2, from);
            closed.setLong(3, to);
            try (ResultSet rs = closed.executeQuery()) {
                while (rs.next()) {
                    found.add(new long[] {rs.getLong(1), rs.getLong(2)});
                }
            }
        }
        return merge(found);
    }

    /** Overlapping or adjacent ranges merged into one, lowest first. */
    static List<long[]> merge(List<long[]> ranges) {
        ranges.sort(java.util.Comparator.comparingLong(r -> r[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] r : ranges) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && (last[1] == Long.MAX_VALUE || r[0] <= last[1] + 1)) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(new long[] {r[0], r[1]});
            }
        }
        return merged;
    }
}
