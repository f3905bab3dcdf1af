package org.telekiosk.broker.store;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * The store's one writer: a thread of its own with one connection ({@link WriterStatements}, which also keeps its
 * prepared statements and replaces a connection lost), taking what has queued up (at most
 * {@link #MAX_BATCH}) and writing it in one transaction. SQLite allows one writer at a time anyway; on PostgreSQL one
 * writer per broker node keeps the commit order equal to the arrival order, which the MQTT acknowledgements follow.
 * Futures complete on this thread, after the commit. On SQLite the writer parks between two commits, about once a
 * second under load, while {@link WalCheckpointer} copies the last of the WAL ({@link #betweenCommits}), so that its
 * next commit starts the WAL over.
 */
final class StoreWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);
    static final int MAX_BATCH = 500;

    private sealed interface Task {}

    /** {@code handedIn}: when it was queued ({@link System#nanoTime}), for its wait ({@link WriterStages}). */
    private record Append(StoreItem item, CompletableFuture<AppendOutcome> done, long handedIn) implements Task {}

    private record Sweep(CompletableFuture<Long> done) implements Task {}

    private record Stop() implements Task {}

    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final WriterStatements statements;
    private final Clock clock;
    private final Duration gapTimeout;
    private final long commitDelayNanos;
    private final java.util.function.LongConsumer pause;
    private final ReadingTable readings;
    private final ReadingClaim claims;
    private final AsideTable aside = new AsideTable();
    private final WireCodec codec =
            WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
    private final GapTable gaps;
    private final SpanTable spans = new SpanTable();
    private final StoreCounters counters;
    private final Thread thread;
    private boolean closed;
    private volatile CommitLag lag = CommitLag.NONE;
    private volatile WriterStages stages = WriterStages.NONE;

    StoreWriter(StoreDatabase database, Clock clock, Duration gapTimeout, Duration commitDelay, StoreCounters counters)
            throws SQLException {
        this(database, clock, gapTimeout, commitDelay, counters, java.util.concurrent.locks.LockSupport::parkNanos);
    }

    /** @param pause how the group commit waits a slice (nanoseconds); tests pass their own */
    StoreWriter(StoreDatabase database, Clock clock, Duration gapTimeout, Duration commitDelay, StoreCounters counters,
            java.util.function.LongConsumer pause) throws SQLException {
        this.pause = pause;
        this.statements = new WriterStatements(database);
        this.clock = clock;
        this.gapTimeout = gapTimeout;
        this.commitDelayNanos = commitDelay.toNanos();
        this.gaps = new GapTable(database.dialect());
        this.readings = new ReadingTable(database.dialect());
        this.claims = new ReadingClaim(readings, database.dialect());
        this.counters = counters;
        this.thread = Thread.ofPlatform().name("store-writer").daemon().unstarted(this::run);
        thread.start();
    }

    /** Tells {@code observer} the lag of every reading stored from now on. */
    void observeLag(CommitLag observer) {
        lag = java.util.Objects.requireNonNull(observer, "observer");
    }

    /** Tells {@code observer} the stages of every reading stored and every batch written from now on. */
    void observeStages(WriterStages observer) {
        stages = java.util.Objects.requireNonNull(observer, "observer");
    }

    /** Tasks waiting for the writer (readings, refusals, sweeps), not counting the batch being written. */
    int queued() {
        return queue.size();
    }

    CompletableFuture<AppendOutcome> append(StoreItem item) {
        CompletableFuture<AppendOutcome> done = new CompletableFuture<>();
        submit(new Append(item, done, System.nanoTime()), done);
        return done;
    }

    CompletableFuture<Long> sweep() {
        CompletableFuture<Long> done = new CompletableFuture<>();
        submit(new Sweep(done), done);
        return done;
    }

    private synchronized void submit(Task task, CompletableFuture<?> done) {
        if (closed) {
            done.completeExceptionally(new IllegalStateException("the measurement store is closed"));
        } else {
            queue.add(task);
        }
    }

    private void run() {
        List<Task> batch = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                // Only close() stops this thread, through the Stop task, so that nothing queued is dropped.
                continue;
            }
            long taken = System.nanoTime();
            gather();
            long gathered = System.nanoTime() - taken;
            queue.drainTo(batch, MAX_BATCH - 1);
            List<Append> appends = new ArrayList<>();
            for (Task task : batch) {
                switch (task) {
                    case Append a -> appends.add(a);
                    case Sweep s -> {
                        if (write(appends, gathered)) {
                            gathered = 0;
                        }
                        appends.clear();
                        sweep(s);
                    }
                    case Stop x -> stop = true;
                }
            }
            write(appends, gathered);
            batch.clear();
        }
        try {
            statements.close();
        } catch (SQLException e) {
            LOG.warn("Closing the store's writer connection failed: {}", e.getMessage());
        }
    }

    /**
     * Group commit: a commit has a fixed cost (the pages it touched written to SQLite's WAL, PostgreSQL's WAL flushed),
     * so while readings keep coming the writer waits, up to the commit delay, for more to share it. It waits in slices
     * of a fifth of the delay and commits as soon as a slice brought nothing, so a lone reading (a quiet node, a test
     * writing one at a time) waits one slice, not the whole delay. Wall-clock waits on this thread only; nothing
     * waits for it but the readings' futures.
     */
    private void gather() {
        if (commitDelayNanos <= 0) {
            return;
        }
        long slice = Math.max(1, commitDelayNanos / 5);
        long deadline = System.nanoTime() + commitDelayNanos;
        int seen = queue.size();
        while (seen < MAX_BATCH - 1) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            pause.accept(Math.min(slice, left));
            int now = queue.size();
            if (now == seen) {
                return;
            }
            seen = now;
        }
    }

    /** Writes {@code appends} in one transaction, if there are any; whether there were. */
    private boolean write(List<Append> appends, long gathered) {
        if (appends.isEmpty()) {
            return false;
        }
        long started = System.nanoTime();
        Instant now = clock.instant();
        try {
            // Lock the kiosks' progress rows first, in name order, so that writers on several nodes cannot deadlock.
            TreeMap<String, GapLedger> ledgers = new TreeMap<>();
            for (Append a : appends) {
                ledgers.put(a.item().kiosk().value(), null);
            }
            TreeMap<String, OpenSpan> open = new TreeMap<>();
            gaps.load(statements, ledgers, open);
            List<StoreItem> claimed = appends.stream().map(Append::item)
                    .filter(item -> !(item instanceof StoreItem.Refused)).toList();
            // V15: the claim stores the new readings' rows (ReadingClaim: a number one kind only).
            BatchRepeats repeats = new BatchRepeats(claimed);
            boolean[] fresh = claims.claim(statements, claimed, repeats, ledgers);
            List<Measurement> spots = new ArrayList<>();
            List<WaveformBatch> waves = new ArrayList<>();
            AppendOutcome[] outcomes = new AppendOutcome[appends.size()];
            KioskMessage[] messages = new KioskMessage[appends.size()];
            long recovered = 0;
            int next = 0;
            for (int i = 0; i < appends.size(); i++) {
                StoreItem item = appends.get(i).item();
                GapLedger ledger = ledgers.get(item.kiosk().value());
                KioskMessage message = messages[i] = switch (item) {
                    case StoreItem.Spot s -> s.measurement();
                    case StoreItem.Wave w -> w.batch();
                    case StoreItem.Refused r -> {
                        aside.refuse(statements.connection(), r.refusal(), now);
                        yield null;
                    }
                };
                if (message == null) {
                    outcomes[i] = AppendOutcome.REFUSED;
                } else if (fresh[next]) {
                    switch (item) {
                        case StoreItem.Spot s -> spots.add(s.measurement());
                        case StoreItem.Wave w -> waves.add(w.batch());
                        case StoreItem.Refused r -> throw new IllegalStateException("not claimed");
                    }
                    outcomes[i] = AppendOutcome.STORED;
                } else {
                    KioskMessage stored = storedEarlier(claimed, fresh, repeats, next);
                    if (stored == null) {
                        stored = readings.stored(statements.connection(), item.kiosk(), item.seq()).orElse(message);
                    }
                    if (stored.equals(message)) {
                        outcomes[i] = AppendOutcome.DUPLICATE;
                    } else {
                        aside.conflict(statements.connection(), item.kiosk(), item.seq(), codec.encode(message), now);
                        outcomes[i] = AppendOutcome.CONFLICT;
                    }
                }
                if (message != null) {
                    next++;
                }
                // A number counts as received once: stored, or refused (a valid reading may still come under a
                // refused number, and is stored; a refusal under a stored number is kept aside only).
                if (outcomes[i] != AppendOutcome.DUPLICATE && outcomes[i] != AppendOutcome.CONFLICT
                        && ledger.missing(item.seq())) {
                    recovered += ledger.record(item.seq(), now);
                }
            }
            spans.record(statements, open, spots, waves, kiosk -> ledgers.get(kiosk).highest());
            gaps.save(statements, ledgers, open);
            statements.commit();
            long committed = System.nanoTime();
            counters.committed();
            observe(appends, outcomes, messages, started, committed);
            long refused = java.util.Arrays.stream(outcomes).filter(o -> o == AppendOutcome.REFUSED).count();
            long conflicts = java.util.Arrays.stream(outcomes).filter(o -> o == AppendOutcome.CONFLICT).count();
            counters.stored(spots.size() + waves.size(), appends.size() - spots.size() - waves.size() - refused
                    - conflicts, recovered);
            counters.aside(refused, conflicts);
            if (conflicts > 0) {
                LOG.warn("{} readings came under a number already stored with other content; kept aside as conflicts",
                        conflicts);
            }
            for (int i = 0; i < appends.size(); i++) {
                appends.get(i).done().complete(outcomes[i]);
            }
            stages.batch(gathered, committed - started, System.nanoTime() - committed);
        } catch (SQLException | RuntimeException e) {
            statements.rollback(e);
            LOG.error("Storing {} readings failed, none was stored: {}", appends.size(), e.toString());
            appends.forEach(a -> a.done().completeExceptionally(e));
        }
        return true;
    }

    /**
     * The reading stored earlier in this batch under the kiosk and number of {@code claimed[c]}, or null. Of a number's
     * readings in a batch only the first can have been stored ({@link ReadingClaim}), so that is the one to look at.
     */
    private static KioskMessage storedEarlier(List<StoreItem> claimed, boolean[] fresh, BatchRepeats repeats, int c) {
        if (!repeats.asked()) {
            return null;
        }
        int first = repeats.first(c);
        if (first == c || !fresh[first]) {
            return null;
        }
        return switch (claimed.get(first)) {
            case StoreItem.Spot s -> s.measurement();
            case StoreItem.Wave w -> w.batch();
            case StoreItem.Refused r -> throw new IllegalStateException("not claimed");
        };
    }

    /**
     * The newly stored readings' lag from their time (a waveform batch's last sample) to the commit just made, and its
     * parts: to the hand-in to the writer, and from there to the batch's start ({@link WriterStages}). The lag is on
     * the wall clock (the kiosk's time against the broker's); its parts after the hand-in on the monotonic clock.
     */
    private void observe(List<Append> appends, AppendOutcome[] outcomes, KioskMessage[] messages, long started,
            long committedNanos) {
        CommitLag lagObserver = lag;
        WriterStages stageObserver = stages;
        if (lagObserver == CommitLag.NONE && stageObserver == WriterStages.NONE) {
            return;
        }
        Instant committed = clock.instant();
        try {
            for (int i = 0; i < appends.size(); i++) {
                if (outcomes[i] != AppendOutcome.STORED) {
                    continue;
                }
                Instant taken = switch (messages[i]) {
                    case Measurement m -> m.takenAt();
                    case WaveformBatch w -> w.start().plusNanos(w.sampleRate() > 0
                            ? (long) (w.samples().size() / w.sampleRate() * 1e9) : 0);
                    default -> committed;
                };
                long lagNanos = (committed.getEpochSecond() - taken.getEpochSecond()) * 1_000_000_000L
                        + committed.getNano() - taken.getNano();
                long handedIn = appends.get(i).handedIn();
                lagObserver.stored(Duration.ofNanos(lagNanos));
                stageObserver.reading(lagNanos - (committedNanos - handedIn), started - handedIn);
            }
        } catch (RuntimeException e) {
            LOG.warn("The store's lag observer failed: {}", e.toString());
        }
    }

    private void sweep(Sweep sweep) {
        Instant now = clock.instant();
        try {
            long lost = gaps.markLost(statements.connection(), now.minus(gapTimeout), now);
            statements.commit();
            counters.lost(lost);
            if (lost > 0) {
                LOG.warn("{} readings reported lost: their gaps stayed open longer than {}", lost, gapTimeout);
            }
            sweep.done().complete(lost);
        } catch (SQLException | RuntimeException e) {
            statements.rollback(e);
            LOG.error("Reporting lost gaps failed: {}", e.toString());
            sweep.done().completeExceptionally(e);
        }
    }

    /** Writes everything queued so far, then stops the thread and closes the connection. Waits for that. */
    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(new Stop());
        }
        thread.join();
    }

}
