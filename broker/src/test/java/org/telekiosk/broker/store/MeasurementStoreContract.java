package org.telekiosk.broker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * What every store must do, on every database: subclasses say where the database is. The tests never sleep; gap
 * timeouts follow a {@link MutableClock}.
 */
abstract class MeasurementStoreContract {
    static final Duration GAP_TIMEOUT = Duration.ofMinutes(10);
    static final KioskId KIOSK = KioskId.of("wmk-lab-03");
    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    final MutableClock clock = new MutableClock(T0);
    MeasurementStore store;

    /** A fresh, empty database for one test. */
    abstract StoreDatabase database() throws Exception;

    /**
     * Keeps the store's writer busy with a batch of its own (a reading of {@code HOLD}, waiting for a lock another
     * connection holds) until the returned handle is closed, so that what is appended meanwhile queues up and is
     * written in one batch after it.
     */
    abstract AutoCloseable holdWriter() throws Exception;

    static final KioskId HOLD = KioskId.of("wmk-hold-01");
    private long held;

    /** The next reading of {@link #HOLD}, for {@link #holdWriter()}. */
    CompletableFuture<AppendOutcome> appendHoldReading() {
        return store.append(reading(HOLD, ++held));
    }

    /** Appends {@code messages} while the writer is held, all queued before it takes any: written in one batch. */
    List<AppendOutcome> inOneBatch(KioskMessage... messages) throws Exception {
        List<CompletableFuture<AppendOutcome>> done = new ArrayList<>();
        try (AutoCloseable writerBusy = holdWriter()) {
            for (KioskMessage m : messages) {
                done.add(m instanceof Measurement s ? store.append(s) : store.append((WaveformBatch) m));
            }
            assertEquals(messages.length, store.queued(), "all queued while the writer is held");
        }
        return done.stream().map(CompletableFuture::join).toList();
    }

    @BeforeEach
    void openStore() throws Exception {
        store = MeasurementStore.open(database(), GAP_TIMEOUT, clock);
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    void reopen() throws Exception {
        store.close();
        store = MeasurementStore.open(database(), GAP_TIMEOUT, clock);
    }

    static Measurement reading(KioskId kiosk, long seq) {
        return new Measurement(kiosk, seq, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, 36.5 + seq / 100.0,
                UcumUnit.CELSIUS, T0.plusMillis(seq * 1000 + 1).plusNanos(7));
    }

    static WaveformBatch ecg(KioskId kiosk, long seq) {
        return new WaveformBatch(kiosk, seq, SensorId.of("ads1115"), Signal.ECG, UcumUnit.MILLIVOLT, 250.0,
                T0.plusSeconds(seq), 0.001, List.of(-12, 35, 1210, -300, 0, Integer.MIN_VALUE, Integer.MAX_VALUE));
    }

    void store(long... seqs) {
        for (long seq : seqs) {
            store.append(reading(KIOSK, seq)).join();
        }
    }

    @Test
    void aReadingDeliveredThreeTimesIsStoredOnceAndTheRepeatsAreReportedAsDuplicates() {
        Measurement m = reading(KIOSK, 1);
        List<AppendOutcome> outcomes = List.of(store.append(m).join(), store.append(m).join(), store.append(m).join());

        assertEquals(List.of(AppendOutcome.STORED, AppendOutcome.DUPLICATE, AppendOutcome.DUPLICATE), outcomes);
        assertEquals(List.of(m), store.measurements(KIOSK, T0, T0.plusSeconds(60)).join());
        assertEquals(1, store.counters().stored());
        assertEquals(2, store.counters().duplicates());
    }

    @Test
    void aWaveformBatchComesBackSampleForSampleAndSharesTheKiosksSequence() {
        WaveformBatch batch = ecg(KIOSK, 2);
        assertEquals(AppendOutcome.STORED, store.append(reading(KIOSK, 1)).join());
        assertEquals(AppendOutcome.STORED, store.append(batch).join());
        assertEquals(AppendOutcome.CONFLICT, store.append(reading(KIOSK, 2)).join(),
                "a measurement under the batch's number is other content: kept aside");

        assertEquals(List.of(batch), store.waveforms(KIOSK, T0, T0.plusSeconds(60)).join());
        assertEquals(2, store.count(KIOSK).join());
    }

    @Test
    void concurrentAppendsOfOverlappingRangesStoreEverySequenceNumberExactlyOnce() throws InterruptedException {
        List<List<CompletableFuture<AppendOutcome>>> perThread = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int offset = t * 50;
            List<CompletableFuture<AppendOutcome>> mine = new ArrayList<>();
            perThread.add(mine);
            threads.add(Thread.ofVirtual().name("appender-" + t).start(() -> IntStream
                    .rangeClosed(offset + 1, offset + 200)
                    .forEach(seq -> mine.add(store.append(reading(KIOSK, seq))))));
        }
        for (Thread thread : threads) {
            thread.join(); // join() also makes each thread's list visible here
        }
        List<AppendOutcome> outcomes = perThread.stream().flatMap(List::stream).map(CompletableFuture::join).toList();

        assertEquals(800, outcomes.size());
        assertEquals(350, outcomes.stream().filter(o -> o == AppendOutcome.STORED).count());
        assertEquals(350, store.count(KIOSK).join());
        KioskProgress progress = store.progress(KIOSK).join();
        assertEquals(350, progress.highest());
        assertEquals(350, progress.contiguous());
        assertEquals(List.of(), progress.gaps());
    }

    /**
     * A fleet's batch holds about one reading a kiosk, and the writer reads and writes all of a batch's kiosks'
     * ledgers in one statement each (issue 16): each kiosk's gaps, repeats and highest number stay its own.
     */
    @Test
    void manyKiosksInOneBatchKeepTheirLedgersApart() {
        List<KioskId> kiosks = IntStream.range(0, 60).mapToObj(i -> KioskId.of("wmk-many-%02d".formatted(i))).toList();
        List<CompletableFuture<AppendOutcome>> outcomes = new ArrayList<>();
        for (long seq : new long[] {1, 2, 5, 2, 1}) {
            for (KioskId kiosk : kiosks) {
                outcomes.add(seq == 2 ? store.append(ecg(kiosk, seq)) : store.append(reading(kiosk, seq)));
            }
        }
        List<AppendOutcome> done = outcomes.stream().map(CompletableFuture::join).toList();
        assertEquals(180, done.stream().filter(o -> o == AppendOutcome.STORED).count());
        assertEquals(120, done.stream().filter(o -> o == AppendOutcome.DUPLICATE).count());
        for (KioskId kiosk : kiosks) {
            KioskProgress progress = store.progress(kiosk).join();
            assertEquals(5, progress.highest(), kiosk.value());
            assertEquals(2, progress.contiguous(), kiosk.value());
            assertEquals(List.of(new SeqRange(3, 4)), progress.gaps().stream().map(Gap::range).toList());
            assertEquals(3, store.count(kiosk).join());
        }
        List<CompletableFuture<AppendOutcome>> late = new ArrayList<>();
        for (KioskId kiosk : kiosks.subList(0, 30)) {
            late.add(store.append(reading(kiosk, 4)));
            late.add(store.append(reading(kiosk, 3)));
        }
        late.forEach(f -> assertEquals(AppendOutcome.STORED, f.join()));
        assertEquals(5, store.progress(kiosks.get(0)).join().contiguous());
        assertEquals(List.of(new SeqRange(3, 4)),
                store.progress(kiosks.get(30)).join().gaps().stream().map(Gap::range).toList());
    }

    @Test
    void aSkippedSequenceOpensAGapThatClosesWhenTheMissingReadingsArrive() {
        store(1, 2, 6);
        KioskProgress open = store.progress(KIOSK).join();
        assertEquals(2, open.contiguous());
        assertEquals(6, open.highest());
        assertEquals(List.of(new Gap(new SeqRange(3, 5), T0, Optional.empty())), open.gaps());

        store(4);
        assertEquals(List.of(new SeqRange(3, 3), new SeqRange(5, 5)),
                store.progress(KIOSK).join().gaps().stream().map(Gap::range).toList());

        store(3, 5);
        KioskProgress closed = store.progress(KIOSK).join();
        assertEquals(6, closed.contiguous());
        assertEquals(List.of(), closed.gaps());
    }

    @Test
    void aGapStillOpenAfterTheTimeoutIsReportedLostAndCounted() {
        store(1, 5);
        clock.advance(GAP_TIMEOUT.minusSeconds(1));
        assertEquals(0L, store.reportLostGaps().join());
        assertEquals(List.of(), store.lostRanges(KIOSK).join());

        clock.advance(Duration.ofSeconds(1));
        assertEquals(3L, store.reportLostGaps().join());
        assertEquals(List.of(new SeqRange(2, 4)), store.lostRanges(KIOSK).join());
        assertEquals(3, store.counters().lost());
        assertEquals(0L, store.reportLostGaps().join(), "a lost gap is reported once");

        store(3);
        assertEquals(List.of(new SeqRange(2, 2), new SeqRange(4, 4)), store.lostRanges(KIOSK).join());
        assertEquals(2, store.counters().lost(), "a late reading is no longer lost");
    }

    @Test
    void migratingTwiceIsANoOp() throws Exception {
        store(1);
        var again = database().migrate();
        assertEquals(0, again.migrationsExecuted);
        assertEquals(1, store.count(KIOSK).join());
    }

    @Test
    void aReopenedStoreKeepsReadingsGapsAndLostCounts() throws Exception {
        store(1, 2, 10);
        store.append(ecg(KIOSK, 11)).join();
        clock.advance(GAP_TIMEOUT);
        store.reportLostGaps().join();

        reopen();

        assertEquals(3, store.measurements(KIOSK, T0, T0.plusSeconds(3600)).join().size());
        assertEquals(List.of(ecg(KIOSK, 11)), store.waveforms(KIOSK, T0, T0.plusSeconds(3600)).join());
        assertEquals(List.of(new SeqRange(3, 9)), store.lostRanges(KIOSK).join());
        assertEquals(7, store.counters().lost());
        assertEquals(AppendOutcome.DUPLICATE, store.append(reading(KIOSK, 2)).join());
    }

    @Test
    void measurementsAreQueriedByKioskAndTimeRange() {
        KioskId other = KioskId.of("wmk-lab-04");
        store(1, 2, 3);
        store.append(reading(other, 1)).join();

        List<Measurement> found = store.measurements(KIOSK, T0.plusSeconds(2), T0.plusSeconds(3)).join();

        assertEquals(List.of(reading(KIOSK, 2)), found);
        assertTrue(store.measurements(KIOSK, T0.plusSeconds(100), T0.plusSeconds(200)).join().isEmpty());
    }

    @Test
    void waveformBatchesAreQueriedByKioskAndStartInAHalfOpenRange() {
        KioskId other = KioskId.of("wmk-lab-04");
        for (long seq = 1; seq <= 4; seq++) {
            store.append(ecg(KIOSK, seq)).join();
        }
        store.append(ecg(other, 2)).join();

        // Batches start at T0 + seq seconds: [T0+2s, T0+4s) holds seq 2 and 3, not 4 (the end is excluded).
        assertEquals(List.of(ecg(KIOSK, 2), ecg(KIOSK, 3)),
                store.waveforms(KIOSK, T0.plusSeconds(2), T0.plusSeconds(4)).join());
        assertEquals(List.of(ecg(other, 2)), store.waveforms(other, T0, T0.plusSeconds(60)).join());
        assertTrue(store.waveforms(KIOSK, T0.plusSeconds(5), T0.plusSeconds(60)).join().isEmpty());
    }

    static RefusedReading refusal(KioskId kiosk, long seq) {
        return new RefusedReading(kiosk, seq, "invalid-field", "LOINC code '8310-4': wrong check digit",
                new byte[] {(byte) 0xbf, 0x63, 's', 'e', 'q', (byte) seq, (byte) 0xff});
    }

    @Test
    void aRefusedNumberCountsAsReceivedIsListedFromAFloorAndSurvivesAReopen() throws Exception {
        store(1, 2);
        assertEquals(AppendOutcome.REFUSED, store.refuse(refusal(KIOSK, 3)).join());
        store(4);
        assertEquals(AppendOutcome.REFUSED, store.refuse(refusal(KIOSK, 6)).join());
        assertEquals(AppendOutcome.REFUSED, store.refuse(refusal(KIOSK, 6)).join(), "the same refusal again");

        reopen();
        KioskProgress progress = store.progress(KIOSK, 0, 10).join();
        assertEquals(6, progress.highest());
        assertEquals(List.of(new SeqRange(5, 5)), progress.gaps().stream().map(Gap::range).toList());
        assertEquals(List.of(3L, 6L), progress.refused());
        assertEquals(List.of(6L), store.progress(KIOSK, 4, 10).join().refused());
        assertEquals(List.of(3L), store.progress(KIOSK, 0, 1).join().refused());
        assertEquals(List.of(), store.progress(KIOSK).join().refused());
        assertEquals(2, store.refusedCount(KIOSK).join());
        assertEquals(3, store.count(KIOSK).join(), "a refusal is no reading");
        assertEquals(7, store.nextSeq(KIOSK).join());
        assertEquals(1, store.nextSeq(KioskId.of("never-heard-of")).join());
    }

    @Test
    void aValidReadingUnderARefusedNumberIsStillStoredAndARefusalUnderAStoredNumberChangesNothingStored() {
        store.refuse(refusal(KIOSK, 1)).join();
        assertEquals(AppendOutcome.STORED, store.append(reading(KIOSK, 1)).join());
        store(2);
        assertEquals(AppendOutcome.REFUSED, store.refuse(refusal(KIOSK, 2)).join());
        assertEquals(List.of(reading(KIOSK, 1), reading(KIOSK, 2)),
                store.measurements(KIOSK, T0, T0.plusSeconds(3600)).join());
        KioskProgress progress = store.progress(KIOSK).join();
        assertEquals(2, progress.highest());
        assertEquals(2, progress.contiguous());
    }

    @Test
    void aRedeliveryWithOtherContentIsKeptAsideAsAConflictNeverDroppedAndKeptOnce() throws Exception {
        Measurement first = reading(KIOSK, 5);
        Measurement other = new Measurement(KIOSK, 5, first.sensor(), first.loinc(), 38.41, first.unit(),
                first.takenAt().plusSeconds(3600));
        assertEquals(AppendOutcome.STORED, store.append(first).join());
        assertEquals(AppendOutcome.DUPLICATE, store.append(first).join());
        assertEquals(AppendOutcome.CONFLICT, store.append(other).join());
        assertEquals(AppendOutcome.CONFLICT, store.append(other).join());

        assertEquals(List.of(first), store.measurements(KIOSK, T0, T0.plusSeconds(7200)).join(),
                "the stored reading stays");
        List<byte[]> kept = store.conflicts(KIOSK, 5).join();
        assertEquals(1, kept.size(), "the same conflicting reading is kept once");
        assertEquals(other, WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES).decode(kept.getFirst(),
                KioskMessage.class));
        assertEquals(1, store.conflictCount(KIOSK).join());
        assertEquals(2, store.counters().conflicts());
    }

    @Test
    void aConflictWithinOneWriteBatchIsDetectedToo() {
        Measurement first = reading(KIOSK, 8);
        Measurement other = new Measurement(KIOSK, 8, first.sensor(), first.loinc(), 35.01, first.unit(),
                first.takenAt());
        var a = store.append(first);
        var b = store.append(other);
        var c = store.append(first);
        List<AppendOutcome> outcomes = List.of(a.join(), b.join(), c.join());
        assertEquals(List.of(AppendOutcome.STORED, AppendOutcome.CONFLICT, AppendOutcome.DUPLICATE), outcomes);
        assertEquals(1, store.conflictCount(KIOSK).join());
    }

    /**
     * Measurements and waveform batches share the kiosk's numbers (issue 16, V15: their identity is no longer one
     * table's key but each payload table's, and the other kind is checked under the kiosk's ledger lock). Across
     * batches: a reading of the other kind under a stored number is a conflict, kept aside once, never stored and so
     * never shown (only a stored reading is forwarded to viewers); a redelivery of either kind is a duplicate; also
     * for a number stored as a late gap fill, and after a reopen.
     */
    @Test
    void aReadingOfTheOtherKindUnderAStoredNumberIsAConflictAcrossBatchesAndARedeliveryADuplicate() throws Exception {
        assertEquals(AppendOutcome.STORED, store.append(reading(KIOSK, 1)).join());
        assertEquals(AppendOutcome.STORED, store.append(ecg(KIOSK, 2)).join());
        assertEquals(AppendOutcome.STORED, store.append(reading(KIOSK, 6)).join());
        assertEquals(AppendOutcome.STORED, store.append(ecg(KIOSK, 4)).join(), "a gap fill");

        assertEquals(AppendOutcome.CONFLICT, store.append(ecg(KIOSK, 1)).join());
        assertEquals(AppendOutcome.CONFLICT, store.append(reading(KIOSK, 2)).join());
        assertEquals(AppendOutcome.CONFLICT, store.append(reading(KIOSK, 4)).join(), "under the gap fill's number");
        assertEquals(AppendOutcome.CONFLICT, store.append(ecg(KIOSK, 6)).join(), "under the highest number");
        assertEquals(AppendOutcome.DUPLICATE, store.append(reading(KIOSK, 1)).join());
        assertEquals(AppendOutcome.DUPLICATE, store.append(ecg(KIOSK, 2)).join());
        reopen();
        assertEquals(AppendOutcome.CONFLICT, store.append(ecg(KIOSK, 1)).join(), "the same conflict again");
        assertEquals(AppendOutcome.DUPLICATE, store.append(ecg(KIOSK, 4)).join());
        assertEquals(AppendOutcome.DUPLICATE, store.append(reading(KIOSK, 6)).join());

        assertEquals(List.of(reading(KIOSK, 1), reading(KIOSK, 6)),
                store.measurements(KIOSK, T0, T0.plusSeconds(3600)).join());
        assertEquals(List.of(ecg(KIOSK, 2), ecg(KIOSK, 4)), store.waveforms(KIOSK, T0, T0.plusSeconds(3600)).join());
        assertEquals(4, store.count(KIOSK).join());
        assertKeptAsideOnce(1, ecg(KIOSK, 1));
        assertKeptAsideOnce(2, reading(KIOSK, 2));
        assertKeptAsideOnce(4, reading(KIOSK, 4));
        assertKeptAsideOnce(6, ecg(KIOSK, 6));
        assertEquals(4, store.conflictCount(KIOSK).join());
        KioskProgress progress = store.progress(KIOSK).join();
        assertEquals(6, progress.highest());
        assertEquals(List.of(new SeqRange(3, 3), new SeqRange(5, 5)),
                progress.gaps().stream().map(Gap::range).toList());
    }

    /**
     * The same within one write batch: of a number's readings in a batch the first is stored (new, in an open gap, or
     * already stored before: then a duplicate), every later one of the other kind is a conflict kept aside once, of
     * its own kind a duplicate.
     */
    @Test
    void aReadingOfTheOtherKindUnderANumberOfTheSameBatchIsAConflictAndKeptAsideOnce() throws Exception {
        store(1, 6); // 2..5 missing
        assertEquals(List.of(AppendOutcome.STORED, AppendOutcome.CONFLICT, AppendOutcome.CONFLICT,
                        AppendOutcome.DUPLICATE, // 7: new
                        AppendOutcome.STORED, AppendOutcome.CONFLICT, AppendOutcome.DUPLICATE, // 3: a gap fill
                        AppendOutcome.DUPLICATE, AppendOutcome.CONFLICT, // 1: stored before
                        AppendOutcome.STORED, AppendOutcome.CONFLICT), // 9: new
                inOneBatch(ecg(KIOSK, 7), reading(KIOSK, 7), reading(KIOSK, 7), ecg(KIOSK, 7),
                        reading(KIOSK, 3), ecg(KIOSK, 3), reading(KIOSK, 3),
                        reading(KIOSK, 1), ecg(KIOSK, 1),
                        ecg(KIOSK, 9), reading(KIOSK, 9)));
        assertEquals(List.of(AppendOutcome.STORED, AppendOutcome.CONFLICT, AppendOutcome.DUPLICATE),
                inOneBatch(reading(KIOSK, 8), ecg(KIOSK, 8), reading(KIOSK, 8)), "8: the gap the batch before opened");

        assertEquals(List.of(reading(KIOSK, 1), reading(KIOSK, 3), reading(KIOSK, 6), reading(KIOSK, 8)),
                store.measurements(KIOSK, T0, T0.plusSeconds(3600)).join());
        assertEquals(List.of(ecg(KIOSK, 7), ecg(KIOSK, 9)), store.waveforms(KIOSK, T0, T0.plusSeconds(3600)).join());
        assertEquals(6, store.count(KIOSK).join());
        assertKeptAsideOnce(7, reading(KIOSK, 7));
        assertKeptAsideOnce(3, ecg(KIOSK, 3));
        assertKeptAsideOnce(1, ecg(KIOSK, 1));
        assertKeptAsideOnce(9, reading(KIOSK, 9));
        assertKeptAsideOnce(8, ecg(KIOSK, 8));
        assertEquals(5, store.conflictCount(KIOSK).join());
        assertEquals(6, store.counters().conflicts());
        KioskProgress progress = store.progress(KIOSK).join();
        assertEquals(9, progress.highest());
        assertEquals(List.of(new SeqRange(2, 2), new SeqRange(4, 5)),
                progress.gaps().stream().map(Gap::range).toList());
    }

    /**
     * A kiosk sending a whole batch again, newest first, and the same once more with some of the other kind, in one
     * write batch of {@link StoreWriter#MAX_BATCH} (issue 16, seventeenth session: a search back per reading was
     * quadratic in the batch, now an index built once per batch that asks): of each number's readings the first counts,
     * stored if new and a duplicate if stored before the batch; every later one is a duplicate of its own kind or a
     * conflict of the other kind, kept aside once. Nothing lost, nothing stored twice, no gap left.
     */
    @Test
    void aWholeWriteBatchOfRepeatsNewestFirstIsStoredExactlyOnceEach() throws Exception {
        KioskMessage[] before = LongStream.rangeClosed(1, 200).mapToObj(seq -> reading(KIOSK, seq))
                .toArray(KioskMessage[]::new);
        assertEquals(java.util.Collections.nCopies(200, AppendOutcome.STORED), inOneBatch(before));
        List<KioskMessage> batch = new ArrayList<>();
        List<AppendOutcome> expected = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            for (long seq = 350; seq > 100; seq--) {
                boolean otherKind = pass == 1 && seq % 50 == 0;
                batch.add(otherKind ? ecg(KIOSK, seq) : reading(KIOSK, seq));
                expected.add(otherKind ? AppendOutcome.CONFLICT
                        : pass == 0 && seq > 200 ? AppendOutcome.STORED : AppendOutcome.DUPLICATE);
            }
        }
        assertEquals(StoreWriter.MAX_BATCH, batch.size());

        assertEquals(expected, inOneBatch(batch.toArray(KioskMessage[]::new)));
        assertEquals(LongStream.rangeClosed(1, 350).mapToObj(seq -> reading(KIOSK, seq)).toList(),
                store.measurements(KIOSK, T0, T0.plusSeconds(3600)).join());
        assertEquals(List.of(), store.waveforms(KIOSK, T0, T0.plusSeconds(3600)).join());
        assertEquals(350, store.count(KIOSK).join());
        for (long seq = 150; seq <= 350; seq += 50) {
            assertKeptAsideOnce(seq, ecg(KIOSK, seq));
        }
        assertEquals(5, store.conflictCount(KIOSK).join());
        assertEquals(100 + 245, store.counters().duplicates());
        KioskProgress progress = store.progress(KIOSK).join();
        assertEquals(350, progress.highest());
        assertEquals(350, progress.contiguous());
        assertEquals(List.of(), progress.gaps());
    }

    /** What is kept aside under {@code seq}: {@code expected}, once. */
    void assertKeptAsideOnce(long seq, KioskMessage expected) throws Exception {
        List<byte[]> kept = store.conflicts(KIOSK, seq).join();
        assertEquals(1, kept.size(), () -> "kept aside under " + seq + ": " + kept.size());
        assertEquals(expected, WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES).decode(kept.getFirst(), KioskMessage.class));
    }

    @Test
    void newlyStoredReadingsTellTheirLagFromTheKiosksTimeToTheCommitDuplicatesDoNot() throws Exception {
        List<Duration> lags = new java.util.concurrent.CopyOnWriteArrayList<>();
        store.observeLag(lags::add);
        clock.advance(Duration.ofSeconds(10));
        assertEquals(AppendOutcome.STORED, store.append(reading(KIOSK, 1)).get());
        assertEquals(AppendOutcome.STORED, store.append(ecg(KIOSK, 2)).get());
        assertEquals(AppendOutcome.DUPLICATE, store.append(reading(KIOSK, 1)).get());
        // Taken after the commit by the broker's clock: a kiosk clock ahead gives a negative lag.
        assertEquals(AppendOutcome.STORED, store.append(reading(KIOSK, 30)).get());
        assertEquals(List.of(Duration.between(reading(KIOSK, 1).takenAt(), T0.plusSeconds(10)),
                Duration.ofMillis(10_000 - 2_000 - 28), // the batch's 7 samples at 250 Hz end 28 ms after its start
                Duration.between(reading(KIOSK, 30).takenAt(), T0.plusSeconds(10))), lags);
        assertTrue(lags.get(2).isNegative());
        assertEquals(0, store.queued());
    }

    @Test
    void eachNewlyStoredReadingTellsItsIntakeAndQueueWaitAndEachCommitItsPhases() throws Exception {
        List<long[]> readings = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<long[]> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch inFirst = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch goOn = new java.util.concurrent.CountDownLatch(1);
        store.observeStages(new WriterStages() {
            @Override
            public void reading(long intake, long queued) {
                readings.add(new long[] {intake, queued});
                if (readings.size() == 1) {
                    // Holds the writer inside the first batch, after its commit, while the second reading queues.
                    inFirst.countDown();
                    try {
                        goOn.await(20, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }

            @Override
            public void batch(long gather, long transaction, long handOff) {
                batches.add(new long[] {gather, transaction, handOff});
            }
        });
        long commits = store.counters().commits();
        clock.advance(Duration.ofSeconds(10));
        long began = System.nanoTime();
        var first = store.append(reading(KIOSK, 1));
        assertTrue(inFirst.await(20, java.util.concurrent.TimeUnit.SECONDS));
        var second = store.append(ecg(KIOSK, 2));
        long queuedFrom = System.nanoTime();
        assertEquals(1, store.queued());
        long heldFor = System.nanoTime() - queuedFrom;
        goOn.countDown();
        assertEquals(AppendOutcome.STORED, first.get());
        assertEquals(AppendOutcome.STORED, second.get());
        assertEquals(AppendOutcome.DUPLICATE, store.append(reading(KIOSK, 1)).get());
        long elapsed = System.nanoTime() - began;

        assertEquals(2, readings.size(), "the duplicate is not told");
        // A batch is told after its futures completed: wait for the last one.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> batches.size() == store.counters().commits() - commits);
        assertEquals(3, batches.size(), "one batch told a commit");
        long[] lags = {Duration.between(reading(KIOSK, 1).takenAt(), T0.plusSeconds(10)).toNanos(),
            Duration.ofMillis(10_000 - 2_000 - 28).toNanos()};
        for (int i = 0; i < 2; i++) {
            long intake = readings.get(i)[0];
            long queued = readings.get(i)[1];
            assertTrue(queued >= 0 && intake + queued <= lags[i] && intake >= lags[i] - elapsed,
                    "reading " + i + ": the intake and the queue are the part of the lag before the commit");
        }
        assertTrue(readings.get(1)[1] >= heldFor, "the second waited while the writer was held in the first batch");
        long total = System.nanoTime() - began;
        for (long[] b : batches) {
            assertTrue(b[0] >= 0 && b[1] > 0 && b[2] >= 0 && b[0] + b[1] + b[2] <= total, java.util.Arrays.toString(b));
        }
        assertTrue(batches.getFirst()[2] >= heldFor, "the writer held after the first commit is its hand-off's time");
    }

}
