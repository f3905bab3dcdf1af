package org.telekiosk.broker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * One kiosk-led key a reading (V15, issue 16) on every database: subclasses say where it is. V15 drops the identity
 * table {@code reading} (each payload table's primary key is the claim now) and leaves a view of that name over both
 * payload tables. The upgrade test starts from V14 with readings of both kinds stored (through V13's rows and V14's
 * own backfill, as a store of that version holds them); it is seeded ({@code -Dspans.seed=N} repeats a run).
 */
abstract class OneReadingKeyContract {
    static final Instant T0 = ReadingSpanContract.T0;
    static final long SEED = ReadingSpanContract.SEED;
    /** Wider than every time the fleet's kiosks give (their clocks wander up to 20 days off). */
    static final Instant FIRST = T0.minus(Duration.ofDays(60));
    static final Instant LAST = T0.plus(Duration.ofDays(60));

    final MutableClock clock = new MutableClock(T0);
    MeasurementStore store;

    /** A fresh, empty database for one test. */
    abstract StoreDatabase database() throws Exception;

    void open() throws Exception {
        store = MeasurementStore.open(database(), Duration.ofDays(1), clock);
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
            store = null;
        }
    }

    /**
     * A store of V14 with readings of both kinds (gaps, redeliveries, clocks set back) upgraded to V15: every row
     * still reads as stored, and the counts, numbers and kinds (through the view {@code reading}), gaps, ledgers and
     * spans are what they were; after it, a redelivery of either kind is a duplicate, the other kind under a stored
     * number a conflict, the gaps fill, and every number is in the store once.
     */
    @Test
    void aStoreUpgradedFromV14KeepsEveryReadingItsCountsGapsAndSpans() throws Exception {
        String context = "(seed " + SEED + ", -Dspans.seed=" + SEED + " repeats it)";
        StoreDatabase database = database();
        database.migrateTo("13");
        ReadingSpanContract.Fleet fleet = new ReadingSpanContract.Fleet(SEED, 3);
        List<KioskMessage> early = fleet.interleaved(fleet.early);
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            ReadingSpanContract.insertAtV13(c, early);
            c.commit();
        }
        database.migrateTo("14");
        Map<KioskId, TreeMap<Long, KioskMessage>> stored = new TreeMap<>(Comparator.comparing(KioskId::value));
        for (KioskMessage m : early) {
            stored.computeIfAbsent(m.kiosk(), k -> new TreeMap<>()).putIfAbsent(ReadingSpanContract.seq(m), m);
        }
        Map<KioskId, List<String>> before = new TreeMap<>(Comparator.comparing(KioskId::value));
        for (KioskId kiosk : stored.keySet()) {
            before.put(kiosk, snapshot(database, kiosk));
        }

        open();
        assertEquals("view", kindOfRelation("reading"), "reading is a view over the payload tables now");
        for (var kiosk : stored.entrySet()) {
            KioskId k = kiosk.getKey();
            assertEquals(before.get(k), snapshot(database, k), () -> k + " " + context);
            assertEquals(kiosk.getValue().size(), store.count(k).join(), () -> k + " " + context);
            assertEquals(expected(kiosk.getValue(), Measurement.class), store.measurements(k, FIRST, LAST).join(),
                    () -> k + " " + context);
            assertEquals(expected(kiosk.getValue(), WaveformBatch.class), store.waveforms(k, FIRST, LAST).join(),
                    () -> k + " " + context);
        }

        // After the upgrade: redeliveries, the other kind, the withheld readings (gap fills), new ones.
        for (var kiosk : stored.entrySet()) {
            for (KioskMessage m : List.of(kiosk.getValue().firstEntry().getValue(),
                    kiosk.getValue().lastEntry().getValue())) {
                assertEquals(AppendOutcome.DUPLICATE, append(m).join(), () -> m + " " + context);
                assertEquals(AppendOutcome.CONFLICT, append(otherKind(m)).join(), () -> m + " " + context);
            }
        }
        List<KioskMessage> late = fleet.interleaved(fleet.late);
        List<CompletableFuture<AppendOutcome>> fills = new ArrayList<>();
        List<AppendOutcome> expectedFills = new ArrayList<>();
        for (KioskMessage m : late) {
            fills.add(append(m));
            // a withheld reading may have been redelivered among the early ones (the same content)
            expectedFills.add(stored.get(m.kiosk()).putIfAbsent(ReadingSpanContract.seq(m), m) == null
                    ? AppendOutcome.STORED : AppendOutcome.DUPLICATE);
        }
        assertEquals(expectedFills, fills.stream().map(CompletableFuture::join).toList(), context);
        for (var kiosk : stored.entrySet()) {
            KioskId k = kiosk.getKey();
            KioskProgress progress = store.progress(k).join();
            assertEquals(kiosk.getValue().lastKey(), progress.contiguous(), () -> k + " " + context);
            assertEquals(List.of(), progress.gaps(), () -> k + " " + context);
            assertEquals(kiosk.getValue().size(), store.count(k).join(), () -> k + " " + context);
            assertEquals(expected(kiosk.getValue(), Measurement.class), store.measurements(k, FIRST, LAST).join(),
                    () -> k + " " + context);
            assertEquals(expected(kiosk.getValue(), WaveformBatch.class), store.waveforms(k, FIRST, LAST).join(),
                    () -> k + " " + context);
        }
        long total = stored.values().stream().mapToLong(TreeMap::size).sum();
        assertEquals(List.of(total, total), longs("SELECT count(*), count(DISTINCT kiosk || '/' || seq) FROM reading"),
                "the hardware tests' count through the view: every number once " + context);
    }

    /**
     * The fence of a rolling upgrade: a node of V14 claims every reading of a write batch in {@code reading} before it
     * inserts the payload rows, with no check of the other kind (the table's key was that check). Into V15's view that
     * insert fails on both dialects, so the whole batch rolls back (its kiosks send those readings again, to a node of
     * this version) instead of storing a number that a V15 node stored as the other kind. Its reads keep working.
     */
    @Test
    void aV14NodesWriteBatchFailsOnV15sSchemaAndItsReadsStillWork() throws Exception {
        open();
        KioskId kiosk = KioskId.of("wmk-key-01");
        assertEquals(AppendOutcome.STORED, store.append(ReadingSpanContract.spot(kiosk, 1, T0)).join());
        String claim = store.dialect() == Dialect.POSTGRESQL
                ? "INSERT INTO reading (kiosk, seq, kind, stored_at) SELECT k, s, d, 0 FROM unnest(ARRAY['wmk-key-01'],"
                        + " ARRAY[2::bigint], ARRAY['waveform']) AS v(k, s, d) ON CONFLICT (kiosk, seq) DO NOTHING"
                        + " RETURNING kiosk, seq"
                : "INSERT INTO reading (kiosk, seq, kind, stored_at) VALUES ('wmk-key-01', 2, 'waveform', 0)"
                        + " ON CONFLICT (kiosk, seq) DO NOTHING";
        try (Connection c = database().connect(); java.sql.Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            assertThrows(SQLException.class, () -> s.execute(claim), "V14's claim of a batch");
            c.rollback();
            assertThrows(SQLException.class, () -> s.executeUpdate("INSERT INTO reading (kiosk, seq, kind, stored_at)"
                    + " VALUES ('wmk-key-01', 2, 'waveform', 0)"), "any insert into reading");
            c.rollback();
        }
        assertEquals(List.of(1L), longs("SELECT COUNT(*) FROM reading WHERE kiosk = 'wmk-key-01'"),
                "V14's count of a kiosk's readings");
        assertEquals(AppendOutcome.STORED, store.append(ReadingSpanContract.wave(kiosk, 2, T0)).join());
        assertEquals(2, store.count(kiosk).join());
    }

    /** The SQL of the hardware tests' helpers, through the view: numbers, counts and kinds of both payload tables. */
    @Test
    void theReadingViewListsEveryStoredNumberWithItsKind() throws Exception {
        open();
        KioskId a = KioskId.of("wmk-key-01");
        KioskId b = KioskId.of("wmk-key-02");
        List<CompletableFuture<AppendOutcome>> done = List.of(
                store.append(ReadingSpanContract.spot(a, 1, T0)), store.append(ReadingSpanContract.wave(a, 2, T0)),
                store.append(ReadingSpanContract.spot(a, 4, T0)), store.append(ReadingSpanContract.wave(b, 1, T0)),
                store.append(ReadingSpanContract.spot(a, 2, T0)), store.append(ReadingSpanContract.wave(a, 4, T0)));
        assertEquals(List.of(AppendOutcome.STORED, AppendOutcome.STORED, AppendOutcome.STORED, AppendOutcome.STORED,
                AppendOutcome.CONFLICT, AppendOutcome.CONFLICT), done.stream().map(CompletableFuture::join).toList());

        assertEquals(List.of(4L, 4L), longs("SELECT count(*), count(DISTINCT kiosk || '/' || seq) FROM reading"));
        assertEquals(List.of(3L, 4L), longs("SELECT count(*), coalesce(max(seq), 0) FROM reading WHERE kiosk = '"
                + a.value() + "'"));
        assertEquals(List.of(1L, 2L, 4L), longs("SELECT seq FROM reading WHERE kiosk = '" + a.value()
                + "' ORDER BY seq"));
        List<String> kinds = new ArrayList<>();
        try (Connection c = database().connect(); PreparedStatement s = c.prepareStatement(
                "SELECT kiosk, seq, kind FROM reading ORDER BY kiosk, seq"); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                kinds.add(rs.getString(1) + "/" + rs.getLong(2) + "/" + rs.getString(3));
            }
        }
        assertEquals(List.of("wmk-key-01/1/measurement", "wmk-key-01/2/waveform", "wmk-key-01/4/measurement",
                "wmk-key-02/1/waveform"), kinds);
    }

    CompletableFuture<AppendOutcome> append(KioskMessage m) {
        return m instanceof Measurement s ? store.append(s) : store.append((WaveformBatch) m);
    }

    /** A reading of the other kind under {@code m}'s number. */
    static KioskMessage otherKind(KioskMessage m) {
        return m instanceof Measurement s ? ReadingSpanContract.wave(s.kiosk(), s.seq(), s.takenAt())
                : ReadingSpanContract.spot(m.kiosk(), ReadingSpanContract.seq(m), ReadingSpanContract.at(m));
    }

    static <T extends KioskMessage> List<T> expected(TreeMap<Long, KioskMessage> stored, Class<T> kind) {
        return stored.values().stream().filter(kind::isInstance).map(kind::cast)
                .filter(m -> !ReadingSpanContract.at(m).isBefore(FIRST) && ReadingSpanContract.at(m).isBefore(LAST))
                .sorted(Comparator.comparing(ReadingSpanContract::at).thenComparingLong(ReadingSpanContract::seq))
                .toList();
    }

    /**
     * What the upgrade must leave as it was for one kiosk: its numbers and kinds as {@code reading} lists them (a
     * table before V15, the view after), its ledger row with the open span, its gaps and its closed spans.
     */
    static List<String> snapshot(StoreDatabase database, KioskId kiosk) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = database.connect()) {
            for (String sql : List.of("SELECT 'reading', seq, kind FROM reading WHERE kiosk = ? ORDER BY seq",
                    "SELECT 'count', COUNT(*) FROM reading WHERE kiosk = ?",
                    "SELECT 'ledger', highest_seq, span_first_seq, span_min_at, span_max_at FROM kiosk_ledger"
                            + " WHERE kiosk = ?",
                    "SELECT 'gap', first_seq, last_seq, opened_at, lost_at FROM seq_gap WHERE kiosk = ?"
                            + " ORDER BY first_seq",
                    "SELECT 'span', first_seq, last_seq, min_at, max_at FROM reading_span WHERE kiosk = ?"
                            + " ORDER BY first_seq")) {
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    s.setString(1, kiosk.value());
                    try (ResultSet rs = s.executeQuery()) {
                        int columns = rs.getMetaData().getColumnCount();
                        while (rs.next()) {
                            StringBuilder row = new StringBuilder();
                            for (int i = 1; i <= columns; i++) {
                                row.append(i > 1 ? " " : "").append(rs.getString(i));
                            }
                            rows.add(row.toString());
                        }
                    }
                }
            }
        }
        return rows;
    }

    /** The numbers of the first row of {@code sql}, or of its first column's rows if it has one column. */
    List<Long> longs(String sql) throws Exception {
        List<Long> values = new ArrayList<>();
        try (Connection c = database().connect(); PreparedStatement s = c.prepareStatement(sql);
                ResultSet rs = s.executeQuery()) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= columns; i++) {
                    values.add(rs.getLong(i));
                }
                if (columns > 1) {
                    break;
                }
            }
        }
        return values;
    }

    /** "table" or "view": what {@code name} is in the store's schema. */
    String kindOfRelation(String name) throws Exception {
        String sql = store.dialect() == Dialect.SQLITE ? "SELECT type FROM sqlite_master WHERE name = ?"
                : "SELECT CASE table_type WHEN 'VIEW' THEN 'view' ELSE 'table' END FROM information_schema.tables"
                        + " WHERE table_schema = current_schema() AND table_name = ?";
        try (Connection c = database().connect(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : "none";
            }
        }
    }
}
