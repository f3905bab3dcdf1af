package org.telekiosk.broker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.testing.MutableClock;

/**
 * SQLite's checkpoints leave the store writer's commits: the writer's connection checkpoints only past the backstop
 * (40,000 pages), not at SQLite's 1,000, and {@link WalCheckpointer} copies the WAL into the database file on its own
 * connection.
 */
class WalCheckpointerTest {
    @TempDir
    Path dir;

    /**
     * Enough ECG batches to take the WAL well past SQLite's default 1,000-page automatic checkpoint (and below the
     * backstop's 40,000): since V15 (one key a reading) 20,000 of them wrote only about 1,020 pages.
     */
    private static final int READINGS = 40_000;
    /** SQLite's page size here (4 KiB) plus a WAL frame's header. */
    private static final long FRAME_BYTES = 4096 + 24;

    @Test
    void theWritersCommitsLeaveTheCheckpointToTheCheckpointer() throws Exception {
        StoreDatabase database = StoreDatabase.sqlite(dir.resolve("telekiosk.db"));
        database.migrate();
        StoreWriter writer = new StoreWriter(database, new MutableClock(MeasurementStoreContract.T0),
                Duration.ofHours(6), Duration.ZERO, new StoreCounters(0));
        WalCheckpointer checkpointer = null;
        try {
            List<CompletableFuture<AppendOutcome>> done = new ArrayList<>();
            for (long seq = 1; seq <= READINGS; seq++) {
                done.add(writer.append(new StoreItem.Wave(MeasurementStoreContract.ecg(
                        MeasurementStoreContract.KIOSK, seq))));
            }
            for (CompletableFuture<AppendOutcome> f : done) {
                assertEquals(AppendOutcome.STORED, f.get(60, TimeUnit.SECONDS));
            }
            // (While the writer is open: the last connection to close checkpoints and removes the WAL.)
            // With SQLite's default the writer checkpoints at 1,000 pages and the WAL starts over, so its file stays
            // at 1,000 frames (4,128,272 bytes for these readings); with the backstop it holds all of them (about 2,000).
            long walBytes = java.nio.file.Files.size(dir.resolve("telekiosk.db-wal"));
            assertTrue(walBytes > 1_200 * FRAME_BYTES, "the writer's commits did not checkpoint at 1,000 pages: WAL "
                    + walBytes + " bytes");

            // The checkpointer's passive checkpoint copies what the WAL holds.
            checkpointer = WalCheckpointer.startFor(database);
            checkpointer.checkpoint();
            // With everything copied and no reader left behind, the next commit starts the WAL over.
            writer.append(new StoreItem.Wave(MeasurementStoreContract.ecg(MeasurementStoreContract.KIOSK,
                    READINGS + 1))).get(60, TimeUnit.SECONDS);
            long frames = walFrames(database);
            assertTrue(frames < 100, "the WAL started over after the checkpoint: " + frames);
        } finally {
            writer.close();
            if (checkpointer != null) {
                checkpointer.close();
            }
        }
    }

    /**
     * The frames in the WAL now, read on a connection of the test's own: a passive checkpoint with nothing to do
     * ({@code wal_checkpoint} reports the WAL's size; SQLite has no read-only way to ask) — so it copies them too.
     */
    private static long walFrames(StoreDatabase database) throws Exception {
        try (Connection c = database.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            rs.next();
            return rs.getLong(2);
        }
    }

    /**
     * The writer's own checkpoint (its fsyncs inside a commit) ends every WAL cycle under a steady load, so it comes
     * only every 40,000 pages, not every 10,000 (issue 16, sixteenth session: at 5,000 readings/s that was a stall
     * about every 1.3 s). Asked on the writer's connection as the writer opens it.
     */
    @Test
    void theWritersOwnCheckpointComesOnlyEvery40000Pages() throws Exception {
        StoreDatabase database = StoreDatabase.sqlite(dir.resolve("telekiosk.db"));
        database.migrate();
        try (WriterStatements writer = new WriterStatements(database);
                Statement s = writer.connection().createStatement();
                ResultSet rs = s.executeQuery("PRAGMA wal_autocheckpoint")) {
            rs.next();
            assertEquals(40_000, rs.getInt(1));
        }
    }

    @Test
    void closingTwiceIsHarmless() {
        WalCheckpointer checkpointer = WalCheckpointer.startFor(StoreDatabase.sqlite(dir.resolve("telekiosk.db")));
        checkpointer.close();
        checkpointer.close();
    }

    @Test
    void postgresqlHasNoCheckpointer() {
        assertEquals(null, WalCheckpointer.startFor(StoreDatabase.of("jdbc:postgresql://127.0.0.1:5432/test", "", "")));
    }
}
