package org.telekiosk.broker.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.telekiosk.protocol.KioskId;

/**
 * The SQL of what the store keeps aside rather than as a reading: refused payloads ({@code refused_reading}) and
 * readings whose identity was taken by other content ({@code reading_conflict}). Every call runs in the caller's
 * transaction.
 */
final class AsideTable {
    private static final String REFUSE = "INSERT INTO refused_reading (kiosk, seq, reason, detail, payload, refused_at)"
            + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kiosk, seq) DO NOTHING";
    private static final String CONFLICT = "INSERT INTO reading_conflict (kiosk, seq, digest, payload, received_at)"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (kiosk, seq, digest) DO NOTHING";

    void refuse(Connection c, RefusedReading r, Instant now) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(REFUSE)) {
            insert.setString(1, r.kiosk().value());
            insert.setLong(2, r.seq());
            insert.setString(3, r.reason());
            insert.setString(4, r.detail());
            insert.setBytes(5, r.payload());
            insert.setLong(6, now.toEpochMilli());
            insert.executeUpdate();
        }
    }

    void conflict(Connection c, KioskId kiosk, long seq, byte[] payload, Instant now) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(CONFLICT)) {
            insert.setString(1, kiosk.value());
            insert.setLong(2, seq);
            insert.setString(3, sha256(payload));
            insert.setBytes(4, payload);
            insert.setLong(5, now.toEpochMilli());
            insert.executeUpdate();
        }
    }

    /** A kiosk's refused sequence numbers at or above {@code from}, ascending, at most {@code limit}. */
    List<Long> refused(Connection c, KioskId kiosk, long from, int limit) throws SQLException {
        List<Long> seqs = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement(
                "SELECT seq FROM refused_reading WHERE kiosk = ? AND seq >= ? ORDER BY seq LIMIT ?")) {
            select.setString(1, kiosk.value());
            select.setLong(2, from);
            select.setInt(3, limit);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    seqs.add(rs.getLong(1));
                }
            }
        }
        return seqs;
    }

    long count(Connection c, String table, KioskId kiosk) throws SQLException {
        if (!table.equals("refused_reading") && !table.equals("reading_conflict")) {
            throw new IllegalArgumentException(table);
        }
        try (PreparedStatement select = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE kiosk = ?")) {
            select.setString(1, kiosk.value());
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The payloads kept as conflicts under {@code (kiosk, seq)}, oldest first. */
    List<byte[]> conflicts(Connection c, KioskId kiosk, long seq) throws SQLException {
        List<byte[]> payloads = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement("SELECT payload FROM reading_conflict"
                + " WHERE kiosk = ? AND seq = ? ORDER BY received_at, digest")) {
            select.setString(1, kiosk.value());
            select.setLong(2, seq);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    payloads.add(rs.getBytes(1));
                }
            }
        }
        return payloads;
    }

    private static String sha256(byte[] payload) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }
}
