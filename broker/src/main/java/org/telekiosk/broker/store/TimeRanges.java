package org.telekiosk.broker.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * A kiosk's readings in a time range, found through its spans (V14, {@link SpanTable#ranges}) instead of a time index:
 * the number ranges of the spans that meet [from, to), merged, each read by the primary key {@code (kiosk, seq)} with
 * the rows' own times filtered, in one read-only snapshot (PostgreSQL: repeatable read; SQLite: one read transaction
 * in WAL mode), so a read sees the store as of one instant, as the one statement before it did. The order is the one
 * that statement had: time, then number.
 */
final class TimeRanges {
    private static final String MEASUREMENTS = "SELECT seq, sensor, loinc, value, unit, taken_at FROM measurement"
            + " WHERE kiosk = ? AND seq BETWEEN ? AND ? AND taken_at >= ? AND taken_at < ?";
    private static final String WAVEFORMS = "SELECT seq, sensor, signal, unit, sample_rate, start_at, scale, samples"
            + " FROM waveform_batch WHERE kiosk = ? AND seq BETWEEN ? AND ? AND start_at >= ? AND start_at < ?";

    private final Dialect dialect;

    TimeRanges(Dialect dialect) {
        this.dialect = dialect;
    }

    /** A kiosk's measurements taken in {@code [from, to)}, oldest first (equal times: lowest number first). */
    List<Measurement> measurements(Connection c, KioskId kiosk, Instant from, Instant to) throws SQLException {
        List<Measurement> found = snapshot(c, () -> rows(c, MEASUREMENTS, kiosk, from, to, rs -> new Measurement(kiosk,
                rs.getLong(1), SensorId.of(rs.getString(2)), LoincCode.of(rs.getString(3)), rs.getDouble(4),
                UcumUnit.of(rs.getString(5)), ReadingTable.instant(rs.getLong(6)))));
        found.sort(Comparator.comparing(Measurement::takenAt).thenComparingLong(Measurement::seq));
        return found;
    }

    /** A kiosk's waveform batches that start in {@code [from, to)}, oldest first (equal starts: lowest number first). */
    List<WaveformBatch> waveforms(Connection c, KioskId kiosk, Instant from, Instant to) throws SQLException {
        List<WaveformBatch> found = snapshot(c, () -> rows(c, WAVEFORMS, kiosk, from, to, rs -> new WaveformBatch(
                kiosk, rs.getLong(1), SensorId.of(rs.getString(2)), Signal.valueOf(rs.getString(3)),
                UcumUnit.of(rs.getString(4)), rs.getDouble(5), ReadingTable.instant(rs.getLong(6)), rs.getDouble(7),
                ReadingTable.unpack(rs.getBytes(8)))));
        found.sort(Comparator.comparing(WaveformBatch::start).thenComparingLong(WaveformBatch::seq));
        return found;
    }

    @FunctionalInterface
    private interface Row<T> {
        T of(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    private interface Body<T> {
        T run() throws SQLException;
    }

    private static <T> List<T> rows(Connection c, String sql, KioskId kiosk, Instant from, Instant to, Row<T> row)
            throws SQLException {
        long start = ReadingTable.nanos(from);
        long end = ReadingTable.nanos(to);
        List<T> found = new ArrayList<>();
        if (start >= end) {
            return found;
        }
        List<long[]> ranges = SpanTable.ranges(c, kiosk.value(), start, end);
        if (ranges.isEmpty()) {
            return found;
        }
        try (PreparedStatement select = c.prepareStatement(sql)) {
            for (long[] range : ranges) {
                select.setString(1, kiosk.value());
                select.setLong(2, range[0]);
                select.setLong(3, range[1]);
                select.setLong(4, start);
                select.setLong(5, end);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        found.add(row.of(rs));
                    }
                }
            }
        }
        return found;
    }

    /** Runs {@code body} in one read-only snapshot, and leaves the connection in auto-commit as it found it. */
    private <T> T snapshot(Connection c, Body<T> body) throws SQLException {
        c.setAutoCommit(false);
        boolean done = false;
        try {
            if (dialect == Dialect.POSTGRESQL) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                }
            }
            T result = body.run();
            c.commit();
            done = true;
            return result;
        } finally {
            if (!done) {
                try {
                    c.rollback();
                } catch (SQLException e) {
                    // the read's own failure is what the caller needs; the connection is dropped if it is broken
                }
            }
            c.setAutoCommit(true);
        }
    }
}
