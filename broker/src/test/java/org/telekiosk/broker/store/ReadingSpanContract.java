package org.telekiosk.broker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * A kiosk's time ranges through spans (V14) on every database: subclasses say where it is. The differential tests
 * store random readings through the real writer and compare every time-range read with a filter over what was stored;
 * they are seeded ({@code -Dspans.seed=N} repeats a run) and name their seed in every failure.
 */
abstract class ReadingSpanContract {
    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    static final KioskId KIOSK = KioskId.of("wmk-span-01");
    static final long SEED = Long.getLong("spans.seed", System.nanoTime());

    final MutableClock clock = new MutableClock(T0);
    MeasurementStore store;
    /** What was stored, by kiosk and number: the brute force the reads are compared with. */
    final Map<KioskId, TreeMap<Long, KioskMessage>> stored = new HashMap<>();

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

    static Measurement spot(KioskId kiosk, long seq, Instant at) {
        return new Measurement(kiosk, seq, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, 36.5 + seq / 1000.0,
                UcumUnit.CELSIUS, at);
    }

    static WaveformBatch wave(KioskId kiosk, long seq, Instant at) {
        return new WaveformBatch(kiosk, seq, SensorId.of("ads1115"), Signal.ECG, UcumUnit.MILLIVOLT, 250.0, at, 0.001,
                List.of((int) seq, -3, 7));
    }

    static Instant at(KioskMessage m) {
        return m instanceof Measurement s ? s.takenAt() : ((WaveformBatch) m).start();
    }

    static long seq(KioskMessage m) {
        return m instanceof Measurement s ? s.seq() : ((WaveformBatch) m).seq();
    }

    /** Stores {@code messages} in order, all handed to the writer before the first is waited for (one or more batches). */
    void storeAll(List<? extends KioskMessage> messages) {
        List<CompletableFuture<AppendOutcome>> done = new ArrayList<>();
        for (KioskMessage m : messages) {
            done.add(m instanceof Measurement s ? store.append(s) : store.append((WaveformBatch) m));
            stored.computeIfAbsent(m.kiosk(), k -> new TreeMap<>()).putIfAbsent(seq(m), m);
        }
        done.forEach(CompletableFuture::join);
    }

    void storeOneByOne(List<? extends KioskMessage> messages) {
        messages.forEach(m -> storeAll(List.of(m)));
    }

    /** What the store must answer for [from, to): the stored readings of that kind and kiosk, by time then number. */
    <T extends KioskMessage> List<T> expected(KioskId kiosk, Class<T> kind, Instant from, Instant to) {
        return stored.getOrDefault(kiosk, new TreeMap<>()).values().stream().filter(kind::isInstance).map(kind::cast)
                .filter(m -> !at(m).isBefore(from) && at(m).isBefore(to))
                .sorted(Comparator.comparing(ReadingSpanContract::at).thenComparingLong(ReadingSpanContract::seq))
                .toList();
    }

    void assertReads(KioskId kiosk, Instant from, Instant to, String context) {
        assertEquals(expected(kiosk, Measurement.class, from, to), store.measurements(kiosk, from, to).join(),
                () -> "measurements of " + kiosk + " in [" + from + ", " + to + ") " + context);
        assertEquals(expected(kiosk, WaveformBatch.class, from, to), store.waveforms(kiosk, from, to).join(),
                () -> "waveforms of " + kiosk + " in [" + from + ", " + to + ") " + context);
    }

    /** The invariant of V14, checked row by row: every stored reading lies in its kiosk's open span or a closed one. */
    void assertEveryReadingInASpan(String context) throws Exception {
        try (Connection c = database().connect()) {
            for (var kiosk : stored.entrySet()) {
                List<long[]> spans = new ArrayList<>();
                try (PreparedStatement s = c.prepareStatement(
                        "SELECT first_seq, last_seq, min_at, max_at FROM reading_span WHERE kiosk = ?")) {
                    s.setString(1, kiosk.getKey().value());
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            spans.add(new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)});
                        }
                    }
                }
                try (PreparedStatement s = c.prepareStatement("SELECT span_first_seq, span_min_at, span_max_at"
                        + " FROM kiosk_ledger WHERE kiosk = ? AND span_min_at IS NOT NULL")) {
                    s.setString(1, kiosk.getKey().value());
                    try (ResultSet rs = s.executeQuery()) {
                        if (rs.next()) {
                            spans.add(new long[] {rs.getLong(1), Long.MAX_VALUE, rs.getLong(2), rs.getLong(3)});
                        }
                    }
                }
                for (KioskMessage m : kiosk.getValue().values()) {
                    long n = seq(m);
                    long t = ReadingTable.nanos(at(m));
                    assertTrue(spans.stream().anyMatch(r -> r[0] <= n && n <= r[1] && r[2] <= t && t <= r[3]),
                            () -> kiosk.getKey() + " seq " + n + " at " + at(m) + " is in no span " + context);
                }
            }
        }
    }

    List<long[]> closedSpans(KioskId kiosk) throws Exception {
        List<long[]> spans = new ArrayList<>();
        try (Connection c = database().connect(); PreparedStatement s = c.prepareStatement("SELECT first_seq,"
                + " last_seq, min_at, max_at FROM reading_span WHERE kiosk = ? ORDER BY first_seq")) {
            s.setString(1, kiosk.value());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    spans.add(new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)});
                }
            }
        }
        return spans;
    }

    /** Readings of several kiosks at random: gaps filled late, redeliveries, a clock jump back, wild clocks. */
    static final class Fleet {
        final Random random;
        final List<List<KioskMessage>> early = new ArrayList<>();
        final List<List<KioskMessage>> late = new ArrayList<>();

        Fleet(long seed, int kiosks) {
            random = new Random(seed);
            for (int k = 0; k < kiosks; k++) {
                KioskId kiosk = KioskId.of("wmk-span-1" + k);
                int n = 150 + random.nextInt(250);
                int jump = 1 + random.nextInt(n);
                long step = 5 + random.nextInt(40); // seconds between readings: spans close by time
                List<KioskMessage> all = new ArrayList<>();
                for (long seq = 1; seq <= n; seq++) {
                    Instant t = T0.plusSeconds(seq * step).plusNanos(random.nextInt(3) == 0 ? 0 : random.nextInt());
                    if (seq >= jump) {
                        t = t.minus(Duration.ofHours(2)); // the kiosk's clock set back
                    }
                    if (random.nextInt(60) == 0) {
                        t = T0.plus(Duration.ofDays(random.nextInt(40) - 20)).plusSeconds(random.nextInt(86_400));
                    }
                    all.add(random.nextInt(10) < 7 ? spot(kiosk, seq, t) : wave(kiosk, seq, t));
                }
                List<KioskMessage> first = new ArrayList<>();
                List<KioskMessage> after = new ArrayList<>();
                int top = n;
                if (k == 0) {
                    top = n - 12; // this kiosk's first readings come highest first
                    for (int i = n - 1; i >= top; i--) {
                        first.add(all.get(i));
                    }
                }
                boolean withheld = false;
                int runEnd = -1;
                for (int i = 0; i < top; i++) {
                    if (i > runEnd) {
                        withheld = random.nextInt(25) == 0;
                        runEnd = i + random.nextInt(30);
                    }
                    (withheld ? after : first).add(all.get(i));
                    if (random.nextInt(10) == 0) {
                        first.add(all.get(random.nextInt(i + 1))); // a redelivery, same content
                    }
                }
                java.util.Collections.shuffle(after, random);
                early.add(first);
                late.add(after);
            }
        }

        /** The kiosks' lists interleaved at random, each kiosk's order kept. */
        List<KioskMessage> interleaved(List<List<KioskMessage>> lists) {
            List<KioskMessage> merged = new ArrayList<>();
            int[] next = new int[lists.size()];
            int left = lists.stream().mapToInt(List::size).sum();
            while (left > 0) {
                int k = random.nextInt(lists.size());
                if (next[k] < lists.get(k).size()) {
                    merged.add(lists.get(k).get(next[k]++));
                    left--;
                }
            }
            return merged;
        }
    }

    /** Stores {@code messages} in random chunks, each chunk handed over whole (one or more writer batches). */
    void storeInChunks(List<KioskMessage> messages, Random random) {
        for (int i = 0; i < messages.size();) {
            int end = Math.min(messages.size(), i + 1 + random.nextInt(random.nextBoolean() ? 4 : 80));
            storeAll(messages.subList(i, end));
            i = end;
        }
    }

    /** Many random ranges (some at stored readings' times exactly, some empty, short, long) of every kiosk. */
    void assertRandomReads(Random random, int count, String context) {
        List<KioskMessage> all = stored.values().stream().flatMap(m -> m.values().stream()).toList();
        long[] lengths = {0, 1, 1_000_000_000L, 60_000_000_000L, 600_000_000_000L, 3_600_000_000_000L,
                21_600_000_000_000L, 86_400_000_000_000L, 40 * 86_400_000_000_000L};
        for (int q = 0; q < count; q++) {
            KioskMessage pick = all.get(random.nextInt(all.size()));
            Instant from = at(pick);
            switch (random.nextInt(3)) {
                case 0 -> from = from.minusNanos(1 + random.nextInt(Integer.MAX_VALUE));
                case 1 -> from = from.plusNanos(random.nextInt(3) - 1);
                default -> { }
            }
            long length = random.nextInt(4) == 0 ? (long) (random.nextDouble() * 7_200_000_000_000L)
                    : lengths[random.nextInt(lengths.length)];
            Instant to = from.plusNanos(length);
            if (random.nextInt(4) == 0) {
                to = at(all.get(random.nextInt(all.size()))); // an end exactly at a reading (excluded), maybe < from
            }
            assertReads(pick.kiosk(), from, to, context);
        }
    }

    @Test
    void randomReadingsInRandomBatchesReadBackByEveryTimeRangeAsAFilterOverWhatWasStored() throws Exception {
        open();
        String context = "(seed " + SEED + ", -Dspans.seed=" + SEED + " repeats it)";
        Random random = new Random(SEED);
        Fleet fleet = new Fleet(SEED, 3);
        storeInChunks(fleet.interleaved(fleet.early), random);
        assertEveryReadingInASpan(context);
        assertRandomReads(random, 150, "after the early readings " + context);
        clock.advance(Duration.ofHours(1));
        storeInChunks(fleet.interleaved(fleet.late), random);
        assertEveryReadingInASpan("after the late gap fills " + context);
        assertRandomReads(random, 250, "after the late gap fills " + context);
        assertTrue(stored.keySet().stream().allMatch(k -> {
            try {
                return closedSpans(k).size() > 1;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }), "every kiosk closed spans " + context);
    }

    @Test
    void theOpenSpanClosesAfterFiveMinutesOfKioskTimeAndTheNextOpensAboveIt() throws Exception {
        open();
        List<KioskMessage> readings = new ArrayList<>();
        for (long seq = 1; seq <= 66; seq++) {
            readings.add(spot(KIOSK, seq, T0.plusSeconds(30 * seq)));
        }
        storeOneByOne(readings);

        List<long[]> spans = closedSpans(KIOSK);
        assertEquals(6, spans.size(), "a span of 5 minutes at a reading every 30 s: 11 readings");
        for (int i = 0; i < spans.size(); i++) {
            long[] span = spans.get(i);
            assertEquals(1 + 11 * i, span[0]);
            assertEquals(11 + 11 * i, span[1], "closed at the highest number, the next opens above it");
            assertEquals(Duration.ofMinutes(5).toNanos(), span[3] - span[2]);
        }
        assertEveryReadingInASpan("");
        assertReads(KIOSK, T0, T0.plusSeconds(3600), "");
        assertReads(KIOSK, T0.plusSeconds(30 * 11), T0.plusSeconds(30 * 12), "one reading at a span's last time");
    }

    @Test
    void aSpanClosesAtTenThousandNumbersWhateverItsTimes() throws Exception {
        open();
        storeOneByOne(List.of(spot(KIOSK, 1, T0), wave(KIOSK, 10_000, T0)));

        List<long[]> spans = closedSpans(KIOSK);
        assertEquals(1, spans.size());
        assertEquals(List.of(1L, 10_000L), List.of(spans.get(0)[0], spans.get(0)[1]));
        assertReads(KIOSK, T0, T0.plusNanos(1), "");
    }

    @Test
    void aLateGapFillIntoAClosedSpanWidensItsTimesAndIsFound() throws Exception {
        open();
        List<KioskMessage> readings = new ArrayList<>();
        for (long seq = 1; seq <= 30; seq++) {
            if (seq != 5) {
                readings.add(spot(KIOSK, seq, T0.plusSeconds(60 * seq)));
            }
        }
        storeOneByOne(readings);
        List<long[]> before = closedSpans(KIOSK);
        assertTrue(before.get(0)[0] <= 5 && 5 <= before.get(0)[1], "5 is in the first closed span's numbers");

        Instant early = T0.minus(Duration.ofDays(3)); // the kiosk's clock was wrong then
        storeOneByOne(List.of(spot(KIOSK, 5, early)));

        List<long[]> after = closedSpans(KIOSK);
        assertEquals(before.size(), after.size(), "no span more");
        assertEquals(ReadingTable.nanos(early), after.get(0)[2], "the span's earliest time went down");
        assertEquals(List.of(stored.get(KIOSK).get(5L)), store.measurements(KIOSK, early, early.plusNanos(1)).join());
        assertReads(KIOSK, early, T0.plusSeconds(3600), "");
        assertEveryReadingInASpan("");
    }

    @Test
    void aKiosksFirstReadingsComingHighestFirstAreAllFound() throws Exception {
        open();
        // before any span closed: the open span goes down to them
        storeOneByOne(List.of(spot(KIOSK, 100, T0.plusSeconds(100)), wave(KIOSK, 50, T0.plusSeconds(50)),
                spot(KIOSK, 1, T0.plusSeconds(1))));
        assertReads(KIOSK, T0, T0.plusSeconds(101), "");
        // after spans closed: a span of their own, or the span below stretched, within the closing limits
        List<KioskMessage> later = new ArrayList<>();
        for (long seq = 101; seq <= 140; seq++) {
            later.add(spot(KIOSK, seq, T0.plusSeconds(60 * seq)));
        }
        storeOneByOne(later);
        KioskId other = KioskId.of("wmk-span-02");
        List<KioskMessage> high = new ArrayList<>();
        for (long seq = 1000; seq <= 1030; seq++) {
            high.add(spot(other, seq, T0.plusSeconds(60 * seq)));
        }
        storeOneByOne(high);
        assertTrue(closedSpans(other).size() >= 2);
        int closed = closedSpans(other).size();
        storeOneByOne(List.of(spot(other, 7, T0)));
        assertEquals(List.of(7L, 7L), List.of(closedSpans(other).get(0)[0], closedSpans(other).get(0)[1]),
                "far below the open span in time: a span of its own, not the open span lowered over 7..1030");
        storeOneByOne(List.of(wave(KIOSK, 2, T0.plusSeconds(2)), spot(other, 999, T0)));
        assertEquals(List.of(7L, 999L), List.of(closedSpans(other).get(0)[0], closedSpans(other).get(0)[1]),
                "at the same time: the span below stretched up to it");
        assertEquals(closed + 1, closedSpans(other).size());
        assertEveryReadingInASpan("");
        assertReads(KIOSK, T0, T0.plusSeconds(60 * 200), "");
        assertReads(other, T0, T0.plusNanos(1), "");
        assertReads(other, T0, T0.plusSeconds(60 * 2000), "");
    }

    @Test
    void aRangeIncludesItsStartAndExcludesItsEnd() throws Exception {
        open();
        Instant t = T0.plusSeconds(10).plusNanos(123);
        storeOneByOne(List.of(spot(KIOSK, 1, t), wave(KIOSK, 2, t)));

        assertEquals(1, store.measurements(KIOSK, t, t.plusNanos(1)).join().size());
        assertEquals(1, store.waveforms(KIOSK, t, t.plusNanos(1)).join().size());
        assertTrue(store.measurements(KIOSK, t.minusNanos(1), t).join().isEmpty());
        assertTrue(store.waveforms(KIOSK, t.minusNanos(1), t).join().isEmpty());
        assertTrue(store.measurements(KIOSK, t, t).join().isEmpty());
        assertTrue(store.measurements(KIOSK, t.plusNanos(1), t).join().isEmpty(), "an end before the start");
    }

    /**
     * The fence of a rolling upgrade: a node of an earlier version names kiosk_progress first in every write batch; that
     * fails after V14 (its kiosks send those readings again, to a node of this version), instead of storing readings
     * no span covers.
     */
    @Test
    void anEarlierVersionsWriterFailsAfterTheUpgradeInsteadOfStoringUnspannedReadings() throws Exception {
        open();
        try (Connection c = database().connect(); java.sql.Statement s = c.createStatement()) {
            org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                    () -> s.executeQuery("SELECT kiosk, highest_seq FROM kiosk_progress"));
        }
    }

    /** The cut of issue 16 kept: no index on the readings' times, nothing but the primary keys on those tables. */
    @Test
    void theReadingTablesHaveNoTimeIndexOnlyTheirPrimaryKeys() throws Exception {
        open();
        for (String table : List.of("measurement", "waveform_batch")) {
            List<String> indexes = indexesOf(table);
            assertEquals(1, indexes.size(), () -> table + " has indexes " + indexes);
            assertTrue(indexes.get(0).startsWith("sqlite_autoindex_") || indexes.get(0).endsWith("_pkey"),
                    () -> table + ": " + indexes);
        }
        assertTrue(indexesOf("reading_span").contains("reading_span_by_time"));
    }

    List<String> indexesOf(String table) throws Exception {
        String sql = store.dialect() == Dialect.SQLITE
                ? "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
                : "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ?";
        List<String> names = new ArrayList<>();
        try (Connection c = database().connect(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, table);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    /**
     * A store of schema V13 with readings (gaps, a clock set back, both kinds) upgraded to V14: every range reads as the
     * time index read it before; then the gaps fill and new readings come, and every range still reads as stored.
     */
    @Test
    void aStoreUpgradedFromV13ReadsEveryRangeAsBeforeAndAfterMoreReadings() throws Exception {
        StoreDatabase database = database();
        database.migrateTo("13");
        String context = "(seed " + SEED + ", -Dspans.seed=" + SEED + " repeats it)";
        Random random = new Random(SEED);
        Fleet fleet = new Fleet(SEED, 3);
        List<KioskMessage> early = fleet.interleaved(fleet.early);
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            insertAtV13(c, early);
            c.commit();
        }
        for (KioskMessage m : early) {
            stored.computeIfAbsent(m.kiosk(), k -> new TreeMap<>()).putIfAbsent(seq(m), m);
        }
        List<KioskMessage> all = stored.values().stream().flatMap(m -> m.values().stream()).toList();
        List<Instant[]> ranges = new ArrayList<>();
        List<KioskId> rangeKiosk = new ArrayList<>();
        List<List<Long>> before = new ArrayList<>();
        try (Connection c = database.connect()) {
            for (int q = 0; q < 120; q++) {
                KioskMessage pick = all.get(random.nextInt(all.size()));
                Instant from = at(pick).minusSeconds(random.nextInt(3) == 0 ? 0 : random.nextInt(7200));
                Instant to = from.plusSeconds(random.nextInt(4) == 0 ? 86_400 : random.nextInt(7200));
                ranges.add(new Instant[] {from, to});
                rangeKiosk.add(pick.kiosk());
                before.add(v13Read(c, pick.kiosk(), from, to));
            }
        }

        open();
        // the ranges as the V13 time index answered them, compared kiosk by kiosk
        for (int q = 0; q < ranges.size(); q++) {
            Instant[] r = ranges.get(q);
            KioskId kiosk = rangeKiosk.get(q);
            List<Long> now = new ArrayList<>();
            store.measurements(kiosk, r[0], r[1]).join().forEach(m -> now.add(m.seq()));
            store.waveforms(kiosk, r[0], r[1]).join().forEach(w -> now.add(-w.seq()));
            assertEquals(before.get(q), now, "range " + q + " of " + kiosk + " " + context);
        }
        assertEveryReadingInASpan("after the upgrade " + context);
        assertRandomReads(random, 100, "after the upgrade " + context);

        storeInChunks(fleet.interleaved(fleet.late), random);
        List<KioskMessage> more = new ArrayList<>();
        for (KioskId k : new ArrayList<>(stored.keySet())) {
            long top = stored.get(k).lastKey();
            for (long seq = top + 1; seq <= top + 40; seq++) {
                more.add(spot(k, seq, T0.plusSeconds(90 * seq)));
            }
        }
        storeInChunks(more, random);
        assertEveryReadingInASpan("after the gap fills " + context);
        assertRandomReads(random, 150, "after the gap fills " + context);
    }

    /** The read as V13 ran it, by the time indexes: measurements' numbers, then waveform batches' numbers negated. */
    static List<Long> v13Read(Connection c, KioskId kiosk, Instant from, Instant to) throws SQLException {
        List<Long> found = new ArrayList<>();
        for (String sql : List.of("SELECT seq FROM measurement WHERE kiosk = ? AND taken_at >= ? AND taken_at < ?"
                + " ORDER BY taken_at, seq", "SELECT -seq FROM waveform_batch WHERE kiosk = ? AND start_at >= ?"
                + " AND start_at < ? ORDER BY start_at, seq")) {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, kiosk.value());
                s.setLong(2, ReadingTable.nanos(from));
                s.setLong(3, ReadingTable.nanos(to));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        found.add(rs.getLong(1));
                    }
                }
            }
        }
        return found;
    }

    /** Readings as the V13 writer left them: identities, rows, each kiosk's highest number and its gaps below it. */
    static void insertAtV13(Connection c, List<KioskMessage> messages) throws SQLException {
        Map<KioskId, TreeMap<Long, KioskMessage>> byKiosk = new HashMap<>();
        for (KioskMessage m : messages) {
            byKiosk.computeIfAbsent(m.kiosk(), k -> new TreeMap<>()).putIfAbsent(seq(m), m);
        }
        try (PreparedStatement reading = c.prepareStatement(
                        "INSERT INTO reading (kiosk, seq, kind, stored_at) VALUES (?, ?, ?, 0)");
                PreparedStatement spot = c.prepareStatement("INSERT INTO measurement"
                        + " (kiosk, seq, sensor, loinc, value, unit, taken_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
                PreparedStatement wave = c.prepareStatement("INSERT INTO waveform_batch (kiosk, seq, sensor, signal,"
                        + " unit, sample_rate, start_at, scale, sample_count, samples)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                PreparedStatement progress = c.prepareStatement(
                        "INSERT INTO kiosk_progress (kiosk, highest_seq) VALUES (?, ?)");
                PreparedStatement gap = c.prepareStatement("INSERT INTO seq_gap (kiosk, first_seq, last_seq,"
                        + " opened_at, lost_at) VALUES (?, ?, ?, 0, NULL)")) {
            for (var kiosk : byKiosk.entrySet()) {
                String k = kiosk.getKey().value();
                long expect = 1;
                for (KioskMessage m : kiosk.getValue().values()) {
                    long n = seq(m);
                    if (n > expect) {
                        gap.setString(1, k);
                        gap.setLong(2, expect);
                        gap.setLong(3, n - 1);
                        gap.executeUpdate();
                    }
                    expect = n + 1;
                    reading.setString(1, k);
                    reading.setLong(2, n);
                    reading.setString(3, m instanceof Measurement ? "measurement" : "waveform");
                    reading.executeUpdate();
                    if (m instanceof Measurement x) {
                        spot.setString(1, k);
                        spot.setLong(2, n);
                        spot.setString(3, x.sensor().value());
                        spot.setString(4, x.loinc().value());
                        spot.setDouble(5, x.value());
                        spot.setString(6, x.unit().value());
                        spot.setLong(7, ReadingTable.nanos(x.takenAt()));
                        spot.executeUpdate();
                    } else if (m instanceof WaveformBatch w) {
                        wave.setString(1, k);
                        wave.setLong(2, n);
                        wave.setString(3, w.sensor().value());
                        wave.setString(4, w.signal().name());
                        wave.setString(5, w.unit().value());
                        wave.setDouble(6, w.sampleRate());
                        wave.setLong(7, ReadingTable.nanos(w.start()));
                        wave.setDouble(8, w.scale());
                        wave.setInt(9, w.samples().size());
                        wave.setBytes(10, ReadingTable.pack(w.samples()));
                        wave.executeUpdate();
                    }
                }
                progress.setString(1, k);
                progress.setLong(2, kiosk.getValue().lastKey());
                progress.executeUpdate();
            }
        }
    }
}
