package org.telekiosk.broker.store;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The store's counters for {@code /healthz} and metrics. {@code stored} and {@code duplicates} count since this
 * process started; {@code lost} is the number of readings reported lost that are still missing, taken from the
 * database at start, so it survives restarts and goes down when a late reading fills a lost gap.
 */
public final class StoreCounters {
    private final LongAdder stored = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder conflicts = new LongAdder();
    private final LongAdder commits = new LongAdder();
    private final AtomicLong lost;

    StoreCounters(long lostAtStart) {
        this.lost = new AtomicLong(lostAtStart);
    }

    void stored(long fresh, long duplicate, long recoveredFromLost) {
        stored.add(fresh);
        duplicates.add(duplicate);
        lost.addAndGet(-recoveredFromLost);
    }

    void committed() {
        commits.increment();
    }

    /**
     * Transactions of readings the writer committed since start: (stored + duplicates + refused) / commits is how many
     * readings a commit carried, which is what a commit's fixed cost is spread over.
     */
    public long commits() {
        return commits.sum();
    }

    void aside(long refusedNow, long conflictsNow) {
        refused.add(refusedNow);
        conflicts.add(conflictsNow);
    }

    /** Payloads refused (kept aside as refused readings) since start. */
    public long refused() {
        return refused.sum();
    }

    /** Readings kept aside as conflicts (their number was stored with other content) since start. */
    public long conflicts() {
        return conflicts.sum();
    }

    void lost(long count) {
        lost.addAndGet(count);
    }

    /** Readings stored since start. */
    public long stored() {
        return stored.sum();
    }

    /** Readings refused as duplicates of stored ones since start. */
    public long duplicates() {
        return duplicates.sum();
    }

    /** Readings reported lost (a gap older than {@code store.gap-timeout}) and still missing. */
    public long lost() {
        return lost.get();
    }
}
