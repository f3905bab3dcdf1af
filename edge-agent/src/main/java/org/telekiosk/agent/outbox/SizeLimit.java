package org.telekiosk.agent.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox's size limit ({@code outbox.max-bytes}): when a commit would hold more payload bytes than the limit, the
 * oldest waveform batches not in flight are deleted in the same transaction (the design's rule: waveforms go first,
 * never spot readings). Spot readings alone may exceed the limit; that is logged once until the outbox fits again.
 * Used by the outbox's writer thread only.
 */
final class SizeLimit {
    private static final Logger log = LoggerFactory.getLogger(SizeLimit.class);
    private static final int PAGE = 256;

    /** What one trim deleted. */
    record Trimmed(long rows, long bytes) {}

    private final long maxBytes;
    private boolean overLimitLogged;

    SizeLimit(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * Deletes, within {@code writer}'s open transaction, the oldest waveform batches not {@code inFlight} until
     * {@code total} payload bytes fit.
     *
     * @param droppedBefore the dropped count so far, for the log line
     */
    Trimmed trim(Connection writer, long total, LongPredicate inFlight, long droppedBefore) throws SQLException {
        long rows = 0;
        long freed = 0;
        long after = 0;
        while (total - freed > maxBytes) {
            List<long[]> victims = new ArrayList<>();
            try (PreparedStatement select = writer.prepareStatement(
                    "SELECT seq, length(payload) FROM reading WHERE waveform = 1 AND seq > ? ORDER BY seq LIMIT "
                            + PAGE)) {
                select.setLong(1, after);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        victims.add(new long[] {rs.getLong(1), rs.getLong(2)});
                    }
                }
            }
            if (victims.isEmpty()) {
                if (!overLimitLogged) {
                    overLimitLogged = true;
                    log.warn("The outbox holds {} bytes, over outbox.max-bytes = {}, and no waveform batch is left to "
                            + "drop; spot readings are kept", total - freed, maxBytes);
                }
                break;
            }
            try (PreparedStatement delete = writer.prepareStatement("DELETE FROM reading WHERE seq = ?")) {
                for (long[] victim : victims) {
                    after = victim[0];
                    if (inFlight.test(victim[0])) {
                        continue;
                    }
                    delete.setLong(1, victim[0]);
                    delete.executeUpdate();
                    rows++;
                    freed += victim[1];
                    if (total - freed <= maxBytes) {
                        break;
                    }
                }
            }
        }
        if (rows > 0) {
            overLimitLogged = false;
            log.warn("Outbox full ({} bytes): dropped the {} oldest waveform batches (dropped so far: {})", maxBytes,
                    rows, droppedBefore + rows);
        }
        return new Trimmed(rows, freed);
    }
}
