package org.telekiosk.broker.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on an SQLite file in a temporary directory (reopened by the restart test). */
class SqliteMeasurementStoreTest extends MeasurementStoreContract {
    @TempDir
    Path dir;

    @Override
    StoreDatabase database() {
        return StoreDatabase.sqlite(dir.resolve("telekiosk.db"));
    }

    /** Another connection takes the file's write lock; the writer's batch of a reading waits for it (busy timeout). */
    @Override
    AutoCloseable holdWriter() throws Exception {
        Connection other = database().connect();
        other.setAutoCommit(false);
        try (Statement lock = other.createStatement()) {
            lock.execute("CREATE TABLE hold_probe (x INTEGER)");
        }
        appendHoldReading();
        await().atMost(Duration.ofSeconds(5)).until(() -> store.queued() == 0);
        return () -> {
            other.rollback();
            other.close();
        };
    }

    /**
     * The store's SQLite connections do not fetch generated keys: sqlite-jdbc would otherwise run
     * {@code SELECT last_insert_rowid()} (a statement prepared and finalized) after every insert. No code reads them;
     * an insert's generated keys are empty.
     */
    @Test
    void connectionsDoNotFetchGeneratedKeysAfterInserts() throws Exception {
        try (Connection c = database().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE keys_probe (id INTEGER PRIMARY KEY, x INTEGER)");
            s.executeUpdate("INSERT INTO keys_probe (x) VALUES (7)");
            try (java.sql.ResultSet keys = s.getGeneratedKeys()) {
                assertFalse(keys.next(), "no generated key fetched after the insert");
            }
        }
    }

    /** While another connection holds the database, what arrives waits in the writer's queue, and drains after. */
    @Test
    void writesWaitingForTheWriterAreCountedInItsQueue() throws Exception {
        CompletableFuture<AppendOutcome> first;
        CompletableFuture<AppendOutcome> second;
        CompletableFuture<AppendOutcome> third;
        try (Connection other = database().connect(); Statement lock = other.createStatement()) {
            other.setAutoCommit(false);
            // The JDBC driver opens a deferred transaction; an exclusive lock needs a write: take it with one.
            lock.execute("CREATE TABLE queue_probe (x INTEGER)");
            first = store.append(reading(KIOSK, 1));
            // The writer took the first reading and waits for the lock (busy timeout 10 s) inside its transaction.
            await().atMost(Duration.ofSeconds(5)).until(() -> store.queued() == 0);
            second = store.append(reading(KIOSK, 2));
            third = store.append(reading(KIOSK, 3));
            assertEquals(2, store.queued());
            assertFalse(first.isDone());
            other.rollback();
        }
        assertEquals(AppendOutcome.STORED, first.get(20, TimeUnit.SECONDS));
        assertEquals(AppendOutcome.STORED, second.get(20, TimeUnit.SECONDS));
        assertEquals(AppendOutcome.STORED, third.get(20, TimeUnit.SECONDS));
        assertEquals(0, store.queued());
    }

    /**
     * The lost-gap report writes first, as the batches do: while another connection (the audit or record writer on
     * the same file) holds the write lock, it waits for the lock instead of failing. A read first would have made its
     * write an upgrade, which SQLite refuses at once with SQLITE_BUSY, without waiting.
     */
    @Test
    void aLostGapReportWaitsForAnotherWriterOfTheFile() throws Exception {
        store(1, 5);
        clock.advance(GAP_TIMEOUT);
        CompletableFuture<Long> lost;
        try (Connection other = database().connect(); Statement lock = other.createStatement()) {
            other.setAutoCommit(false);
            lock.execute("INSERT INTO kiosk_ledger (kiosk, highest_seq) VALUES ('wmk-lab-99', 0)");
            lost = store.reportLostGaps();
            await().atMost(Duration.ofSeconds(5)).until(() -> store.queued() == 0);
            assertFalse(lost.isDone(), "waits for the other connection's lock");
            other.commit();
        }
        assertEquals(3L, lost.get(20, TimeUnit.SECONDS));
        assertEquals(List.of(new SeqRange(2, 4)), store.lostRanges(KIOSK).join());
    }
}
