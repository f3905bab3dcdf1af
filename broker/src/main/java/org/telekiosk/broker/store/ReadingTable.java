package org.telekiosk.broker.store;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.IntSamples;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * The SQL of readings: the tables {@code measurement} and {@code waveform_batch}, each keyed by the readings'
 * identity {@code (kiosk, seq)} (V15: no identity table of its own; {@link ReadingClaim} keeps a number to one
 * kind). Times are epoch nanoseconds, so an {@link Instant} comes back exactly as it went in.
 */
final class ReadingTable {
    /*
     * The claim (V15): a reading's row goes in unless its table holds its (kiosk, seq) already; the other kind is
     * ReadingClaim's to check, before. SQLite: JDBC batches, whose counts say which rows went in.
     */
    private static final String INSERT_MEASUREMENT = "INSERT INTO measurement (kiosk, seq, sensor, loinc, value, unit,"
            + " taken_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kiosk, seq) DO NOTHING";
    private static final String INSERT_WAVEFORM = "INSERT INTO waveform_batch (kiosk, seq, sensor, signal, unit,"
            + " sample_rate, start_at, scale, sample_count, samples) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (kiosk, seq) DO NOTHING";
    /*
     * PostgreSQL: one statement a batch, the columns as arrays (unnest keeps their order), instead of a JDBC batch,
     * which pgjdbc sends as one execution a row. It returns the identities it inserted, since an array insert has no
     * count a row.
     */
    private static final String MEASUREMENT_ARRAYS = "INSERT INTO measurement"
            + " (kiosk, seq, sensor, loinc, value, unit, taken_at) SELECT * FROM unnest(?::text[], ?::bigint[],"
            + " ?::text[], ?::text[], ?::float8[], ?::text[], ?::bigint[])"
            + " ON CONFLICT (kiosk, seq) DO NOTHING RETURNING kiosk, seq";
    private static final String WAVEFORM_ARRAYS = "INSERT INTO waveform_batch (kiosk, seq, sensor, signal,"
            + " unit, sample_rate, start_at, scale, sample_count, samples) SELECT * FROM unnest(?::text[], ?::bigint[],"
            + " ?::text[], ?::text[], ?::text[], ?::float8[], ?::bigint[], ?::float8[], ?::int[], ?::bytea[])"
            + " ON CONFLICT (kiosk, seq) DO NOTHING RETURNING kiosk, seq";

    /** A reading's identity, to match what an array insert returned. */
    private record Identity(String kiosk, long seq) {}

    private final boolean arrays;

    ReadingTable(Dialect dialect) {
        this.arrays = dialect == Dialect.POSTGRESQL;
    }

    /**
     * Inserts the measurements, in order, each unless {@code measurement} holds its {@code (kiosk, seq)} already (the
     * claim): one batch (SQLite) or one statement (PostgreSQL).
     *
     * @return for each, whether it went in
     */
    boolean[] insertMeasurements(WriterStatements s, List<Measurement> measurements) throws SQLException {
        if (measurements.isEmpty()) {
            return new boolean[0];
        }
        if (arrays) {
            int n = measurements.size();
            String[] kiosks = new String[n];
            long[] seqs = new long[n];
            String[] sensors = new String[n];
            String[] loincs = new String[n];
            double[] values = new double[n];
            String[] units = new String[n];
            long[] taken = new long[n];
            for (int i = 0; i < n; i++) {
                Measurement m = measurements.get(i);
                kiosks[i] = m.kiosk().value();
                seqs[i] = m.seq();
                sensors[i] = m.sensor().value();
                loincs[i] = m.loinc().value();
                values[i] = m.value();
                units[i] = m.unit().value();
                taken[i] = nanos(m.takenAt());
            }
            return insertArrays(s.get(MEASUREMENT_ARRAYS), kiosks, seqs,
                    new Object[] {kiosks, seqs, sensors, loincs, values, units, taken});
        }
        PreparedStatement insert = s.get(INSERT_MEASUREMENT);
        for (Measurement m : measurements) {
            insert.setString(1, m.kiosk().value());
            insert.setLong(2, m.seq());
            insert.setString(3, m.sensor().value());
            insert.setString(4, m.loinc().value());
            insert.setDouble(5, m.value());
            insert.setString(6, m.unit().value());
            insert.setLong(7, nanos(m.takenAt()));
            insert.addBatch();
        }
        return inserted(insert.executeBatch());
    }

    /** As {@link #insertMeasurements}, into {@code waveform_batch}. */
    boolean[] insertWaveforms(WriterStatements s, List<WaveformBatch> batches) throws SQLException {
        if (batches.isEmpty()) {
            return new boolean[0];
        }
        if (arrays) {
            int n = batches.size();
            String[] kiosks = new String[n];
            long[] seqs = new long[n];
            String[] sensors = new String[n];
            String[] signals = new String[n];
            String[] units = new String[n];
            double[] rates = new double[n];
            long[] starts = new long[n];
            double[] scales = new double[n];
            int[] counts = new int[n];
            byte[][] samples = new byte[n][];
            for (int i = 0; i < n; i++) {
                WaveformBatch w = batches.get(i);
                kiosks[i] = w.kiosk().value();
                seqs[i] = w.seq();
                sensors[i] = w.sensor().value();
                signals[i] = w.signal().name();
                units[i] = w.unit().value();
                rates[i] = w.sampleRate();
                starts[i] = nanos(w.start());
                scales[i] = w.scale();
                counts[i] = w.samples().size();
                samples[i] = pack(w.samples());
            }
            return insertArrays(s.get(WAVEFORM_ARRAYS), kiosks, seqs,
                    new Object[] {kiosks, seqs, sensors, signals, units, rates, starts, scales, counts, samples});
        }
        PreparedStatement insert = s.get(INSERT_WAVEFORM);
        for (WaveformBatch w : batches) {
            insert.setString(1, w.kiosk().value());
            insert.setLong(2, w.seq());
            insert.setString(3, w.sensor().value());
            insert.setString(4, w.signal().name());
            insert.setString(5, w.unit().value());
            insert.setDouble(6, w.sampleRate());
            insert.setLong(7, nanos(w.start()));
            insert.setDouble(8, w.scale());
            insert.setInt(9, w.samples().size());
            insert.setBytes(10, pack(w.samples()));
            insert.addBatch();
        }
        return inserted(insert.executeBatch());
    }

    private static boolean[] inserted(int[] counts) {
        boolean[] inserted = new boolean[counts.length];
        for (int i = 0; i < counts.length; i++) {
            inserted[i] = counts[i] > 0;
        }
        return inserted;
    }

    /** Runs an array insert that returns the identities it inserted; which of the rows went in. */
    private static boolean[] insertArrays(PreparedStatement insert, String[] kiosks, long[] seqs, Object[] columns)
            throws SQLException {
        for (int c = 0; c < columns.length; c++) {
            insert.setObject(c + 1, columns[c]);
        }
        int n = kiosks.length;
        String[] returnedKiosks = new String[n];
        long[] returnedSeqs = new long[n];
        int count = 0;
        try (ResultSet rs = insert.executeQuery()) {
            while (rs.next()) {
                returnedKiosks[count] = rs.getString(1);
                returnedSeqs[count++] = rs.getLong(2);
            }
        }
        boolean[] fresh = new boolean[n];
        if (count == n) { // the usual case: every row went in
            java.util.Arrays.fill(fresh, true);
            return fresh;
        }
        java.util.Set<Identity> returned = new java.util.HashSet<>(count * 2);
        for (int i = 0; i < count; i++) {
            returned.add(new Identity(returnedKiosks[i], returnedSeqs[i]));
        }
        // Of repeats within the arrays the first is the one inserted (ReadingClaim sends none).
        for (int i = 0; i < n; i++) {
            fresh[i] = returned.remove(new Identity(kiosks[i], seqs[i]));
        }
        return fresh;
    }

    /** The reading stored under {@code (kiosk, seq)}, measurement or waveform batch; empty if none. */
    java.util.Optional<KioskMessage> stored(Connection c, KioskId kiosk, long seq)
            throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT sensor, loinc, value, unit, taken_at"
                + " FROM measurement WHERE kiosk = ? AND seq = ?")) {
            select.setString(1, kiosk.value());
            select.setLong(2, seq);
            try (ResultSet rs = select.executeQuery()) {
                if (rs.next()) {
                    return java.util.Optional.of(new Measurement(kiosk, seq, SensorId.of(rs.getString(1)),
                            LoincCode.of(rs.getString(2)), rs.getDouble(3), UcumUnit.of(rs.getString(4)),
                            instant(rs.getLong(5))));
                }
            }
        }
        try (PreparedStatement select = c.prepareStatement("SELECT sensor, signal, unit, sample_rate, start_at,"
                + " scale, samples FROM waveform_batch WHERE kiosk = ? AND seq = ?")) {
            select.setString(1, kiosk.value());
            select.setLong(2, seq);
            try (ResultSet rs = select.executeQuery()) {
                if (rs.next()) {
                    return java.util.Optional.of(new WaveformBatch(kiosk, seq, SensorId.of(rs.getString(1)),
                            Signal.valueOf(rs.getString(2)), UcumUnit.of(rs.getString(3)), rs.getDouble(4),
                            instant(rs.getLong(5)), rs.getDouble(6), unpack(rs.getBytes(7))));
                }
            }
        }
        return java.util.Optional.empty();
    }

    /** How many readings (of both kinds) the store holds for a kiosk: the rows of both tables (V15). */
    long count(Connection c, KioskId kiosk) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT (SELECT COUNT(*) FROM measurement WHERE kiosk = ?)"
                + " + (SELECT COUNT(*) FROM waveform_batch WHERE kiosk = ?)")) {
            select.setString(1, kiosk.value());
            select.setString(2, kiosk.value());
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The samples as big-endian 32-bit integers, one after the other. */
    static byte[] pack(IntSamples samples) {
        ByteBuffer buffer = ByteBuffer.allocate(samples.size() * Integer.BYTES);
        for (int i = 0; i < samples.size(); i++) {
            buffer.putInt(samples.getInt(i));
        }
        return buffer.array();
    }

    static IntSamples unpack(byte[] packed) {
        int[] samples = new int[packed.length / Integer.BYTES];
        ByteBuffer.wrap(packed).asIntBuffer().get(samples);
        return IntSamples.of(samples);
    }

    static long nanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }
}
