package org.telekiosk.broker.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telekiosk.protocol.KioskId;

/**
 * The store contract on the PostgreSQL server of the CI machine ({@link PostgresSchema}: {@code 127.0.0.1:5432},
 * database {@code test}, trust authentication). Each test gets a fresh schema, dropped afterwards. Without a reachable
 * server every test here is skipped, with the reason given.
 */
class PostgresMeasurementStoreTest extends MeasurementStoreContract {
    final PostgresSchema schema = new PostgresSchema("store");

    @BeforeEach
    @Override
    void openStore() throws Exception {
        schema.create("store");
        super.openStore();
    }

    @AfterEach
    void dropSchema() throws SQLException {
        if (schema.exists()) {
            closeStore();
            store = null;
            schema.drop();
        }
    }

    @AfterAll
    static void reportSkip() {
        if (PostgresSchema.unreachable().isPresent()) {
            System.err.println("PostgresMeasurementStoreTest: all tests skipped, PostgreSQL unreachable at "
                    + PostgresSchema.SERVER);
        }
    }

    @Override
    StoreDatabase database() {
        return schema.database();
    }

    /** Another connection locks {@code HOLD}'s ledger row; the writer's batch of a reading of it waits for the lock. */
    @Override
    AutoCloseable holdWriter() throws Exception {
        appendHoldReading().join(); // the ledger row exists
        Connection other = database().connect();
        other.setAutoCommit(false);
        try (Statement lock = other.createStatement()) {
            lock.executeQuery("SELECT highest_seq FROM kiosk_ledger WHERE kiosk = '" + HOLD.value() + "' FOR UPDATE")
                    .close();
        }
        appendHoldReading();
        await().atMost(Duration.ofSeconds(30)).until(() -> schema.waitingForALock() > 0);
        return () -> {
            other.rollback();
            other.close();
        };
    }

    /**
     * The writer keeps one connection and its prepared statements on it: once the server ends that connection, the
     * batch on it fails (its readings are sent again by the kiosks), and the next batch runs on a new connection with
     * statements prepared again, instead of every later batch failing on the dead one.
     */
    @Test
    void aBatchAfterTheWritersConnectionWasLostRunsOnANewConnection() throws Exception {
        store(1, 2);
        assertTrue(schema.terminateConnections() >= 1, "the writer's connection at least");

        CompletionException lost = assertThrows(CompletionException.class,
                () -> store.append(reading(KIOSK, 3)).join());
        assertInstanceOf(SQLException.class, lost.getCause());

        assertEquals(AppendOutcome.STORED, store.append(reading(KIOSK, 3)).join());
        store(5);
        KioskProgress progress = store.progress(KIOSK).join();
        assertEquals(5, progress.highest());
        assertEquals(List.of(new SeqRange(4, 4)), progress.gaps().stream().map(Gap::range).toList());
        assertEquals(AppendOutcome.DUPLICATE, store.append(reading(KIOSK, 2)).join());
    }

    /** Every connection gets the default socket timeout (30 s), unless the store's URL sets its own. */
    @Test
    void connectionsHaveTheDefaultSocketTimeoutUnlessTheUrlSetsOne() throws Exception {
        try (Connection defaulted = database().connect();
                Connection own = schema.database("&socketTimeout=7").connect()) {
            assertEquals(StoreDatabase.POSTGRESQL_SOCKET_TIMEOUT_SECONDS * 1000, defaulted.getNetworkTimeout());
            assertEquals(7000, own.getNetworkTimeout());
        }
    }

    /**
     * A statement that gets no answer fails after the socket timeout ({@code socketTimeout=}, default 30 s) instead
     * of hanging the writer: its batch fails (the kiosks send again) and the next batch runs on a new connection. The
     * seam: a row lock held by another connection keeps the server from answering, as a network cut without a reset
     * keeps the answer from arriving; what this proves is the client side (pgjdbc's timeout, the writer closing the
     * connection and opening another), not the kernel's behaviour in a real cut.
     */
    @Test
    void aBatchWithoutAnAnswerFailsAfterTheSocketTimeoutAndTheNextRunsOnANewConnection() throws Exception {
        store.close();
        store = MeasurementStore.open(schema.database("&socketTimeout=1"), GAP_TIMEOUT, clock);
        store(1);
        CompletableFuture<AppendOutcome> stuck;
        try (Connection other = database().connect(); Statement s = other.createStatement()) {
            other.setAutoCommit(false);
            s.executeQuery("SELECT highest_seq FROM kiosk_ledger WHERE kiosk = '" + KIOSK.value() + "' FOR UPDATE")
                    .close();
            stuck = store.append(reading(KIOSK, 2));
            ExecutionException failed = assertThrows(ExecutionException.class, () -> stuck.get(60, TimeUnit.SECONDS),
                    "failed by the socket timeout, not waiting for the lock");
            assertInstanceOf(SQLException.class, failed.getCause());
            other.rollback();
        }
        assertEquals(AppendOutcome.STORED, store.append(reading(KIOSK, 2)).get(60, TimeUnit.SECONDS));
        assertEquals(2, store.progress(KIOSK).join().highest());
        assertEquals(2, store.count(KIOSK).join());
    }

    /**
     * Two nodes on one database: the lost-gap report locks the kiosk's progress row as a writer does, so it waits for
     * another node's batch that holds it. Without the lock it marked the gap lost meanwhile, the other node's batch
     * wrote the gaps back unmarked from what it had read, and the next report counted the same numbers lost again.
     */
    @Test
    void aLostGapReportWaitsForAnotherNodesBatchOnTheKioskAndCountsEachNumberOnce() throws Exception {
        store(1, 5);
        clock.advance(GAP_TIMEOUT);
        CompletableFuture<Long> first;
        try (Connection other = database().connect(); Statement s = other.createStatement()) {
            other.setAutoCommit(false);
            // The other node's writer: its batch locked the kiosk and read the gap 2-4, not lost.
            s.executeQuery("SELECT highest_seq FROM kiosk_ledger WHERE kiosk = '" + KIOSK.value() + "' FOR UPDATE")
                    .close();
            s.executeQuery("SELECT first_seq FROM seq_gap WHERE kiosk = '" + KIOSK.value() + "'").close();
            first = store.reportLostGaps();
            await().atMost(Duration.ofSeconds(30)).until(() -> first.isDone() || schema.waitingForALock() > 0);
            // It stores number 3 and writes the gaps back as it read them: 2 and 4, not lost.
            s.executeUpdate("INSERT INTO measurement (kiosk, seq, sensor, loinc, value, unit, taken_at) VALUES ('"
                    + KIOSK.value() + "', 3, 'mlx90614', '8310-5', 36.5, 'Cel', 0)");
            s.executeUpdate("DELETE FROM seq_gap WHERE kiosk = '" + KIOSK.value() + "'");
            s.executeUpdate("INSERT INTO seq_gap (kiosk, first_seq, last_seq, opened_at, lost_at) VALUES ('"
                    + KIOSK.value() + "', 2, 2, " + T0.toEpochMilli() + ", NULL), ('" + KIOSK.value() + "', 4, 4, "
                    + T0.toEpochMilli() + ", NULL)");
            other.commit();
        }
        long lost = first.get(60, TimeUnit.SECONDS) + store.reportLostGaps().get(60, TimeUnit.SECONDS);
        assertEquals(2, lost, "numbers 2 and 4, each counted once");
        assertEquals(List.of(new SeqRange(2, 2), new SeqRange(4, 4)), store.lostRanges(KIOSK).join());
    }

    /**
     * Two nodes on one database race for the same kiosks' numbers with the two kinds (each number sent as a
     * measurement to one node and as a waveform batch to the other, the kinds alternating between the nodes, one node
     * in the opposite kiosk order): each number is stored once, as one kind, and the other kept aside as a conflict;
     * no batch fails (no deadlock). With V15 the other kind is checked under the kiosk's ledger lock, not by a key
     * both kinds share.
     */
    @Test
    void twoNodesRacingOneNumberWithTheTwoKindsStoreItOnceAsOneKindAndNeverDeadlock() throws Exception {
        List<KioskId> kiosks = java.util.stream.IntStream.range(0, 200)
                .mapToObj(i -> KioskId.of("wmk-race-%03d".formatted(i))).toList();
        java.util.Map<String, CompletableFuture<AppendOutcome>> spots = new java.util.HashMap<>();
        java.util.Map<String, CompletableFuture<AppendOutcome>> waves = new java.util.HashMap<>();
        try (MeasurementStore other = MeasurementStore.open(database(), GAP_TIMEOUT, clock)) {
            for (long seq = 1; seq <= 5; seq++) {
                for (int i = 0; i < kiosks.size(); i++) {
                    KioskId mine = kiosks.get(i);
                    KioskId theirs = kiosks.get(kiosks.size() - 1 - i);
                    boolean spotHere = (seq + i) % 2 == 0;
                    (spotHere ? spots : waves).put(mine.value() + "/" + seq,
                            spotHere ? store.append(reading(mine, seq)) : store.append(ecg(mine, seq)));
                    boolean spotThere = (seq + kiosks.size() - 1 - i) % 2 != 0;
                    (spotThere ? spots : waves).put(theirs.value() + "/" + seq,
                            spotThere ? other.append(reading(theirs, seq)) : other.append(ecg(theirs, seq)));
                }
            }
            assertEquals(1000, spots.size());
            assertEquals(1000, waves.size());
            CompletableFuture.allOf(java.util.stream.Stream.concat(spots.values().stream(), waves.values().stream())
                    .toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        }
        int storedSpots = 0;
        for (KioskId kiosk : kiosks) {
            java.util.Set<Long> measured = new java.util.HashSet<>();
            store.measurements(kiosk, T0, T0.plusSeconds(3600)).join().forEach(m -> measured.add(m.seq()));
            java.util.Set<Long> batched = new java.util.HashSet<>();
            store.waveforms(kiosk, T0, T0.plusSeconds(3600)).join().forEach(w -> batched.add(w.seq()));
            for (long seq = 1; seq <= 5; seq++) {
                String id = kiosk.value() + "/" + seq;
                AppendOutcome spot = spots.get(id).join();
                AppendOutcome wave = waves.get(id).join();
                assertEquals(java.util.Set.of(AppendOutcome.STORED, AppendOutcome.CONFLICT), java.util.Set.of(spot, wave),
                        id);
                assertEquals(spot == AppendOutcome.STORED, measured.contains(seq), id);
                assertEquals(wave == AppendOutcome.STORED, batched.contains(seq), id);
                storedSpots += spot == AppendOutcome.STORED ? 1 : 0;
            }
            assertEquals(5, store.count(kiosk).join());
            assertEquals(5, store.conflictCount(kiosk).join());
            KioskProgress progress = store.progress(kiosk).join();
            assertEquals(5, progress.contiguous());
            assertEquals(List.of(), progress.gaps());
        }
        assertTrue(storedSpots > 0 && storedSpots < 1000, "both kinds won some numbers: " + storedSpots);
    }

    /**
     * Two nodes on one database store the same kiosks' readings, batches of many kiosks each, one node in the
     * opposite order of the other: each reading is stored once, and no batch fails (the progress rows are locked in
     * kiosk-name order by both, so neither waits for the other in a cycle).
     */
    @Test
    void twoNodesStoringTheSameKiosksStoreEachReadingOnceAndNeverDeadlock() throws Exception {
        List<KioskId> kiosks = java.util.stream.IntStream.range(0, 200)
                .mapToObj(i -> KioskId.of("wmk-node-%03d".formatted(i))).toList();
        List<CompletableFuture<AppendOutcome>> outcomes = new java.util.ArrayList<>();
        try (MeasurementStore other = MeasurementStore.open(database(), GAP_TIMEOUT, clock)) {
            for (long seq = 1; seq <= 5; seq++) {
                for (int i = 0; i < kiosks.size(); i++) {
                    outcomes.add(store.append(reading(kiosks.get(i), seq)));
                    outcomes.add(other.append(reading(kiosks.get(kiosks.size() - 1 - i), seq)));
                }
            }
            List<AppendOutcome> done = outcomes.stream().map(CompletableFuture::join).toList();
            assertEquals(1000, done.stream().filter(o -> o == AppendOutcome.STORED).count());
            assertEquals(1000, done.stream().filter(o -> o == AppendOutcome.DUPLICATE).count());
        }
        for (KioskId kiosk : kiosks) {
            assertEquals(5, store.count(kiosk).join());
            KioskProgress progress = store.progress(kiosk).join();
            assertEquals(5, progress.contiguous());
            assertEquals(List.of(), progress.gaps());
        }
    }
}
