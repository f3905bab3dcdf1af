package org.telekiosk.broker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.testing.MutableClock;

/**
 * The writer's group commit ({@code store.commit-delay}): while readings keep coming it waits for more to share one
 * commit, and commits as soon as a slice of the delay brought nothing. The waits are a seam here: the test's pause runs
 * on the writer's thread and decides what "arrives" during each slice, so nothing depends on real time.
 */
class StoreWriterGroupCommitTest {
    private static final Duration DELAY = Duration.ofMillis(5);

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(MeasurementStoreContract.T0);
    private final StoreCounters counters = new StoreCounters(0);
    private final List<Long> slices = new ArrayList<>();
    private final AtomicReference<Runnable> duringNextPause = new AtomicReference<>();
    /** Appended from the test's thread and, during a pause, from the writer's. */
    private final List<CompletableFuture<AppendOutcome>> appended = new java.util.concurrent.CopyOnWriteArrayList<>();
    private StoreWriter writer;

    @AfterEach
    void close() throws InterruptedException {
        if (writer != null) {
            writer.close();
        }
    }

    private StoreWriter writer(Duration delay) throws Exception {
        StoreDatabase database = StoreDatabase.sqlite(dir.resolve("telekiosk.db"));
        database.migrate();
        LongConsumer pause = nanos -> {
            slices.add(nanos);
            Runnable arrivals = duringNextPause.getAndSet(null);
            if (arrivals != null) {
                arrivals.run();
            }
        };
        writer = new StoreWriter(database, clock, Duration.ofHours(6), delay, counters, pause);
        return writer;
    }

    private void append(long seq) {
        appended.add(writer.append(new StoreItem.Spot(
                MeasurementStoreContract.reading(MeasurementStoreContract.KIOSK, seq))));
    }

    /** Waits for the first reading (committed after everything its pauses appended), then checks them all. */
    private void allStored() throws Exception {
        appended.get(0).get(20, TimeUnit.SECONDS);
        for (CompletableFuture<AppendOutcome> f : appended) {
            assertEquals(AppendOutcome.STORED, f.get(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void readingsArrivingDuringTheDelayShareOneCommit() throws Exception {
        writer(DELAY);
        // Readings 2-5 arrive while the writer waits after taking reading 1; the next slice brings nothing.
        duringNextPause.set(() -> {
            for (long seq = 2; seq <= 5; seq++) {
                append(seq);
            }
        });
        append(1);
        allStored();
        assertEquals(1, counters.commits(), "five readings, one commit");
        assertEquals(5, counters.stored());
        assertEquals(2, slices.size(), "one slice brought four readings, the next none");
        assertEquals(DELAY.toNanos() / 5, slices.get(0));
    }

    @Test
    void aLoneReadingWaitsOneSliceThenCommits() throws Exception {
        writer(DELAY);
        append(1);
        allStored();
        assertEquals(List.of(DELAY.toNanos() / 5), slices);
        assertEquals(1, counters.commits());
    }

    @Test
    void withoutADelayEveryBatchCommitsAtOnce() throws Exception {
        writer(Duration.ZERO);
        append(1);
        allStored();
        assertTrue(slices.isEmpty(), "no wait with store.commit-delay PT0S");
        assertEquals(1, counters.commits());
    }
}
