package org.telekiosk.broker.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * The broker's store of every measurement and waveform batch kiosks sent, on SQLite or PostgreSQL.
 *
 * <p>{@code (kiosk, seq)} is a reading's identity: a redelivered reading is stored once and reported as
 * {@link AppendOutcome#DUPLICATE}. Per kiosk the store tracks the highest sequence number and the ranges below it
 * still missing; a gap open longer than the gap timeout is reported lost ({@link #reportLostGaps()}).
 *
 * <p>Nothing here blocks the caller except {@link #open} and {@link #close}: writes queue to one writer thread,
 * which batches them ({@link StoreWriter}); queries run on virtual threads, each with its own connection. Every
 * method returns a future that completes once the work is committed or read.
 */
public final class MeasurementStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MeasurementStore.class);

    /** Reads at once at most, each on a connection kept open between reads. */
    private static final int READ_CONNECTIONS = 4;

    private final StoreDatabase database;
    private final StoreWriter writer;
    private final StoreCounters counters;
    private final ExecutorService readers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("store-reader-", 0).factory());
    private final ReadingTable readings;
    /** A kiosk's time ranges, through its spans (V14). */
    private final TimeRanges ranges;
    /** Kept open between reads: the store acknowledgements read each active kiosk's progress once per store.ack-interval. */
    private final ReadConnections reads;
    private final AsideTable aside = new AsideTable();
    private final GapTable gaps;
    private volatile ScheduledExecutorService sweeper;
    /** SQLite: the WAL's checkpoints, off the writer's thread; null on PostgreSQL. */
    private final WalCheckpointer checkpointer;

    private MeasurementStore(StoreDatabase database, StoreWriter writer, StoreCounters counters) {
        this.checkpointer = WalCheckpointer.startFor(database);
        this.database = database;
        this.writer = writer;
        this.counters = counters;
        this.gaps = new GapTable(database.dialect());
        this.readings = new ReadingTable(database.dialect());
        this.ranges = new TimeRanges(database.dialect());
        this.reads = new ReadConnections(database, READ_CONNECTIONS);
    }

    /**
     * Opens the store: migrates the schema to the newest version (a no-op when it is current), then starts the
     * writer. Blocking; call it at start, not on an event loop.
     *
     * @param gapTimeout how long a gap may stay open before its readings are reported lost
     */
    public static MeasurementStore open(StoreDatabase database, Duration gapTimeout, Clock clock)
            throws SQLException {
        return open(database, gapTimeout, Duration.ZERO, clock);
    }

    /**
     * As {@link #open(StoreDatabase, Duration, Clock)}, with a group commit: while readings keep coming, the writer
     * waits up to {@code commitDelay} to commit more of them in one transaction ({@code store.commit-delay}).
     */
    public static MeasurementStore open(StoreDatabase database, Duration gapTimeout, Duration commitDelay, Clock clock)
            throws SQLException {
        var migrated = database.migrate();
        LOG.info("Measurement store {} at schema version {} ({} migrations applied now)", database,
                migrated.targetSchemaVersion != null ? migrated.targetSchemaVersion : migrated.initialSchemaVersion,
                migrated.migrationsExecuted);
        long lost;
        try (Connection c = database.connect()) {
            lost = new GapTable(database.dialect()).lostTotal(c);
        }
        StoreCounters counters = new StoreCounters(lost);
        return new MeasurementStore(database, new StoreWriter(database, clock, gapTimeout, commitDelay, counters), counters);
    }

    /** Stores a measurement unless its {@code (kiosk, seq)} is stored already. */
    public CompletableFuture<AppendOutcome> append(Measurement measurement) {
        return writer.append(new StoreItem.Spot(measurement));
    }

    /** Stores a waveform batch unless its {@code (kiosk, seq)} is stored already. */
    public CompletableFuture<AppendOutcome> append(WaveformBatch batch) {
        return writer.append(new StoreItem.Wave(batch));
    }

    /**
     * Keeps a refused payload aside ({@code refused_reading}); its number counts as received from now on, so the
     * kiosk's acknowledgement moves past it. Completes with {@link AppendOutcome#REFUSED} once committed.
     */
    public CompletableFuture<AppendOutcome> refuse(RefusedReading refusal) {
        return writer.append(new StoreItem.Refused(refusal));
    }

    /**
     * Reports every gap open longer than the gap timeout (by the store's clock) as lost.
     *
     * @return a future of how many readings became lost now
     */
    public CompletableFuture<Long> reportLostGaps() {
        return writer.sweep();
    }

    /** Calls {@link #reportLostGaps()} every {@code period} until the store is closed. */
    public synchronized void reportLostGapsEvery(Duration period) {
        if (sweeper != null) {
            throw new IllegalStateException("lost gaps are reported periodically already");
        }
        sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("store-sweeper").daemon()
                .factory());
        sweeper.scheduleWithFixedDelay(this::reportLostGaps, period.toMillis(), period.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** A kiosk's measurements taken in {@code [from, to)}, oldest first. */
    public CompletableFuture<List<Measurement>> measurements(KioskId kiosk, Instant from, Instant to) {
        return read(c -> ranges.measurements(c, kiosk, from, to));
    }

    /** A kiosk's waveform batches that start in {@code [from, to)}, oldest first. */
    public CompletableFuture<List<WaveformBatch>> waveforms(KioskId kiosk, Instant from, Instant to) {
        return read(c -> ranges.waveforms(c, kiosk, from, to));
    }

    /** How many readings of a kiosk are stored, measurements and waveform batches together. */
    public CompletableFuture<Long> count(KioskId kiosk) {
        return read(c -> readings.count(c, kiosk));
    }

    /** A kiosk's highest and contiguous sequence numbers and its open gaps. */
    public CompletableFuture<KioskProgress> progress(KioskId kiosk) {
        return progress(kiosk, Long.MAX_VALUE, 0);
    }

    /**
     * A kiosk's highest and contiguous sequence numbers, its open gaps, and up to {@code limit} of its refused
     * numbers at or above {@code refusedFrom}, ascending.
     */
    public CompletableFuture<KioskProgress> progress(KioskId kiosk, long refusedFrom, int limit) {
        return read(c -> {
            GapLedger ledger = new GapLedger(gaps.highest(c, kiosk.value()), gaps.gaps(c, kiosk.value(), false));
            List<Long> refused = limit > 0 ? aside.refused(c, kiosk, refusedFrom, limit) : List.of();
            return new KioskProgress(kiosk, ledger.highest(), ledger.contiguous(), ledger.gaps(), refused);
        });
    }

    /**
     * The lowest sequence number a kiosk enrolled (again) may use: one above the highest the store has received
     * from that kiosk id (stored or refused), 1 for a kiosk never heard of.
     */
    public CompletableFuture<Long> nextSeq(KioskId kiosk) {
        return read(c -> gaps.highest(c, kiosk.value()) + 1);
    }

    /** How many payloads of a kiosk were refused (kept aside), over the store's lifetime. */
    public CompletableFuture<Long> refusedCount(KioskId kiosk) {
        return read(c -> aside.count(c, "refused_reading", kiosk));
    }

    /** How many readings of a kiosk were kept aside as conflicts, over the store's lifetime. */
    public CompletableFuture<Long> conflictCount(KioskId kiosk) {
        return read(c -> aside.count(c, "reading_conflict", kiosk));
    }

    /** The readings kept aside as conflicts under {@code (kiosk, seq)}, as their CBOR payloads, oldest first. */
    public CompletableFuture<List<byte[]>> conflicts(KioskId kiosk, long seq) {
        return read(c -> aside.conflicts(c, kiosk, seq));
    }

    /** The ranges of a kiosk's readings reported lost and still missing, lowest first. */
    public CompletableFuture<List<SeqRange>> lostRanges(KioskId kiosk) {
        return read(c -> gaps.gaps(c, kiosk.value(), true).stream().map(Gap::range).toList());
    }

    /** Tells {@code observer} the kiosk → commit lag of every reading stored from now on (the metrics). */
    public void observeLag(CommitLag observer) {
        writer.observeLag(observer);
    }

    /**
     * Tells {@code observer} where each reading stored from now on spent its time up to the commit, and what each batch
     * cost the writer ({@link WriterStages}; the metrics).
     */
    public void observeStages(WriterStages observer) {
        writer.observeStages(observer);
    }

    /** Tells {@code observer} every WAL checkpoint of {@link WalCheckpointer} from now on (SQLite; benchmarks). */
    void observeCheckpoints(WalCheckpointer.Observer observer) {
        if (checkpointer != null) {
            checkpointer.observe(observer);
        }
    }

    /** Writes waiting in the writer's queue now (the metrics); cheap, never blocks. */
    public int queued() {
        return writer.queued();
    }

    public StoreCounters counters() {
        return counters;
    }

    public Dialect dialect() {
        return database.dialect();
    }

    private <T> CompletableFuture<T> read(Query<T> query) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return reads.read(query::run);
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, readers);
    }

    @FunctionalInterface
    private interface Query<T> {
        T run(Connection c) throws SQLException;
    }

    /** Writes everything queued, then closes. Blocking. */
    @Override
    public void close() {
        ScheduledExecutorService s = sweeper;
        if (s != null) {
            s.shutdownNow();
        }
        try {
            writer.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (checkpointer != null) {
            checkpointer.close();
        }
        readers.close();
        reads.close();
    }
}
