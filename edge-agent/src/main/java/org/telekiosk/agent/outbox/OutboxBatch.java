package org.telekiosk.agent.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the outbox's writer thread is asked to do, in order, and how one batch of it is written: the inserts and
 * deletes of a batch in the writer's open transaction, which the {@link Outbox} then completes (size limit, meta row,
 * commit) or rolls back.
 */
final class OutboxBatch {
    sealed interface Op permits Append, Delete, DeleteThrough, Quarantine, Stop {}

    record Append(long seq, boolean waveform, byte[] payload) implements Op {}

    /** Removes a reading: acknowledged, refused, or unreadable ({@code dropped}). */
    record Delete(long seq, boolean dropped) implements Op {}

    /** Removes every reading up to {@code seq}: the broker's store acknowledged them. */
    record DeleteThrough(long seq) implements Op {}

    /**
     * Moves a reading the broker refused into the {@code quarantine} table: kept on disk for a technician, never sent
     * again, counted as refused.
     */
    record Quarantine(long seq, String reason, long at) implements Op {}

    /** Stops the writer after everything before it is committed. */
    record Stop(CompletableFuture<Void> done) implements Op {}

    /**
     * What a batch changed: readings inserted, the highest seq inserted (0 if none), payload bytes added and removed,
     * rows removed, and how many of those were dropped (unreadable) rather than acknowledged.
     */
    record Applied(int appends, long maxSeq, long addedBytes, long removedBytes, int removed, long newlyDropped,
            long quarantined) {}

    private OutboxBatch() {}

    /** Writes {@code batch} in {@code writer}'s open transaction, without committing. */
    static Applied apply(Connection writer, List<Op> batch) throws SQLException {
        int appends = 0;
        long maxSeq = 0;
        long addedBytes = 0;
        long removedBytes = 0;
        int removed = 0;
        long newlyDropped = 0;
        long quarantined = 0;
        try (PreparedStatement keep = writer.prepareStatement("INSERT OR IGNORE INTO quarantine"
                + " (seq, payload, reason, quarantined_at) SELECT seq, payload, ?, ? FROM reading WHERE seq = ?");
                PreparedStatement insert = writer.prepareStatement(
                "INSERT INTO reading (seq, waveform, payload) VALUES (?, ?, ?)");
                PreparedStatement delete = writer.prepareStatement(
                        "DELETE FROM reading WHERE seq = ? RETURNING length(payload)");
                PreparedStatement deleteThrough = writer.prepareStatement(
                        "DELETE FROM reading WHERE seq <= ? RETURNING length(payload)")) {
            for (Op op : batch) {
                switch (op) {
                    case Append a -> {
                        insert.setLong(1, a.seq());
                        insert.setInt(2, a.waveform() ? 1 : 0);
                        insert.setBytes(3, a.payload());
                        insert.addBatch();
                        appends++;
                        maxSeq = Math.max(maxSeq, a.seq());
                        addedBytes += a.payload().length;
                    }
                    case Delete d -> {
                        delete.setLong(1, d.seq());
                        try (ResultSet rs = delete.executeQuery()) {
                            if (rs.next()) {
                                removedBytes += rs.getLong(1);
                                removed++;
                                newlyDropped += d.dropped() ? 1 : 0;
                            }
                        }
                    }
                    case DeleteThrough d -> {
                        deleteThrough.setLong(1, d.seq());
                        try (ResultSet rs = deleteThrough.executeQuery()) {
                            while (rs.next()) {
                                removedBytes += rs.getLong(1);
                                removed++;
                            }
                        }
                    }
                    case Quarantine q -> {
                        keep.setString(1, q.reason());
                        keep.setLong(2, q.at());
                        keep.setLong(3, q.seq());
                        if (keep.executeUpdate() > 0) {
                            quarantined++;
                            delete.setLong(1, q.seq());
                            try (ResultSet rs = delete.executeQuery()) {
                                if (rs.next()) {
                                    removedBytes += rs.getLong(1);
                                    removed++;
                                }
                            }
                        }
                    }
                    case Stop s -> { }
                }
            }
            if (appends > 0) {
                insert.executeBatch();
            }
        }
        return new Applied(appends, maxSeq, addedBytes, removedBytes, removed, newlyDropped, quarantined);
    }
}
