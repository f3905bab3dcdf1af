package org.telekiosk.broker.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One kiosk's gap tracking, in memory: the highest sequence number received and the ranges below it that are still
 * missing. Pure logic; {@link GapTable} loads and saves it inside the transaction that stores the readings, so the
 * ledger and the readings never disagree.
 */
final class GapLedger {
    private long highest;
    private final List<Gap> gaps;
    private boolean changed;
    private boolean gapsChanged;

    GapLedger(long highest, List<Gap> gaps) {
        this.highest = highest;
        this.gaps = new ArrayList<>(gaps);
    }

    /**
     * Records a newly stored sequence number (never a duplicate): above the highest it may open a gap, inside a gap
     * it closes that number.
     *
     * @return how many of the numbers it closed had been reported lost (0 or 1)
     */
    int record(long seq, Instant now) {
        changed = true;
        if (seq > highest) {
            if (seq > highest + 1) {
                gapsChanged = true;
                gaps.add(new Gap(new SeqRange(highest + 1, seq - 1), now, Optional.empty()));
            }
            highest = seq;
            return 0;
        }
        for (int i = 0; i < gaps.size(); i++) {
            Gap gap = gaps.get(i);
            if (gap.range().contains(seq)) {
                gapsChanged = true;
                gaps.remove(i);
                SeqRange r = gap.range();
                if (seq < r.last()) {
                    gaps.add(i, new Gap(new SeqRange(seq + 1, r.last()), gap.openedAt(), gap.lostAt()));
                }
                if (seq > r.first()) {
                    gaps.add(i, new Gap(new SeqRange(r.first(), seq - 1), gap.openedAt(), gap.lostAt()));
                }
                return gap.isLost() ? 1 : 0;
            }
        }
        // Below the highest and in no gap: stored before, which the identity check has already refused.
        throw new IllegalStateException("seq " + seq + " is neither new nor missing");
    }

    /** Whether {@code seq} was not received yet: above the highest, or inside a gap. */
    boolean missing(long seq) {
        if (seq > highest) {
            return true;
        }
        for (Gap gap : gaps) { // a loop, not a stream: the writer asks for every reading (issue 16)
            if (gap.range().contains(seq)) {
                return true;
            }
        }
        return false;
    }

    long highest() {
        return highest;
    }

    /** The highest sequence number up to which every one was received. */
    long contiguous() {
        return gaps.stream().mapToLong(g -> g.range().first() - 1).min().orElse(highest);
    }

    List<Gap> gaps() {
        return List.copyOf(gaps);
    }

    boolean changed() {
        return changed;
    }

    /** Whether {@link #record} opened, narrowed or closed a gap (not only raised the highest number). */
    boolean gapsChanged() {
        return gapsChanged;
    }
}
