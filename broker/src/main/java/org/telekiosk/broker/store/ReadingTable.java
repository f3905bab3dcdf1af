package org.telekiosk.broker.store;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
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
 * The SQL of readings: the identity table {@code reading} and the tables {@code measurement} and
 * {@code waveform_batch}. Times are epoch nanoseconds, so an {@link Instant} comes back exactly as it went in.
 */
final class ReadingTable {
    private static final String CLAIM =
            "INSERT INTO reading (kiosk, seq, kind, stored_at) VALUES (?, ?, ?, ?) ON CONFLICT (kiosk, seq) DO NOTHING";

    /**
     * Claims the identity {@code (kiosk, seq)} of each reading, in order, in one batch.
     *
     * @return for each reading, whether it was new (a duplicate, also one earlier in the same list, was not)
     */
    boolean[] claim(WriterStatements s, List<? extends StoreItem> items, Instant now) throws SQLException {
        PreparedStatement claim = s.get(CLAIM);
        for (StoreItem item : items) {
            claim.setString(1, item.kiosk().value());
            claim.setLong(2, item.seq());
            claim.setString(3, item.kind());
            claim.setLong(4, now.toEpochMilli());
            claim.addBatch();
        }
        int[] counts = claim.executeBatch();
        boolean[] fresh = new boolean[counts.length];
        for (int i = 0; i < counts.length; i++) {
            fresh[i] = counts[i] > 0;
        }
        return fresh;
    }

    void insertMeasurements(WriterStatements s, List<Measurement> measurements) throws SQLException {
        if (measurements.isEmpty()) {
            return;
        }
        PreparedStatement insert = s.get("INSERT INTO measurement"
                + " (kiosk, seq, sensor, loinc, value, unit, taken_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
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
        insert.executeBatch();
    }

    void insertWaveforms(WriterStatements s, List<WaveformBatch> batches) throws SQLException {
        if (batches.isEmpty()) {
            return;
        }
        PreparedStatement insert = s.get("INSERT INTO waveform_batch (kiosk, seq, sensor, signal,"
                + " unit, sample_rate, start_at, scale, sample_count, samples) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
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
        insert.executeBatch();
    }

    /** A kiosk's measurements taken in {@code [from, to)}, oldest first. */
    List<Measurement> measurements(Connection c, KioskId kiosk, Instant from, Instant to) throws SQLException {
        List<Measurement> found = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement("SELECT seq, sensor, loinc, value, unit, taken_at"
                + " FROM measurement WHERE kiosk = ? AND taken_at >= ? AND taken_at < ? ORDER BY taken_at, seq")) {
            select.setString(1, kiosk.value());
            select.setLong(2, nanos(from));
            select.setLong(3, nanos(to));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    found.add(new Measurement(kiosk, rs.getLong(1), SensorId.of(rs.getString(2)),
                            LoincCode.of(rs.getString(3)), rs.getDouble(4), UcumUnit.of(rs.getString(5)),
                            instant(rs.getLong(6))));
                }
            }
        }
        return found;
    }

    /** A kiosk's waveform batches that start in {@code [from, to)}, oldest first. */
    List<WaveformBatch> waveforms(Connection c, KioskId kiosk, Instant from, Instant to) throws SQLException {
        List<WaveformBatch> found = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement("SELECT seq, sensor, signal, unit, sample_rate, start_at,"
                + " scale, samples FROM waveform_batch WHERE kiosk = ? AND start_at >= ? AND start_at < ?"
                + " ORDER BY start_at, seq")) {
            select.setString(1, kiosk.value());
            select.setLong(2, nanos(from));
            select.setLong(3, nanos(to));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    found.add(new WaveformBatch(kiosk, rs.getLong(1), SensorId.of(rs.getString(2)),
                            Signal.valueOf(rs.getString(3)), UcumUnit.of(rs.getString(4)), rs.getDouble(5),
                            instant(rs.getLong(6)), rs.getDouble(7), unpack(rs.getBytes(8))));
                }
            }
        }
        return found;
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

    /** How many readings (of both kinds) the store holds for a kiosk. */
    long count(Connection c, KioskId kiosk) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT COUNT(*) FROM reading WHERE kiosk = ?")) {
            select.setString(1, kiosk.value());
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
