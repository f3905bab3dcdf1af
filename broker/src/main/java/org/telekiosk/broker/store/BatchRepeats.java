package org.telekiosk.broker.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.telekiosk.protocol.KioskId;

/**
 * Where in a write batch each {@code (kiosk, seq)} first comes: of a number's readings in one batch the first counts
 * ({@link ReadingClaim}), a later one is a duplicate or a conflict ({@link StoreWriter}). The index is built on the
 * first question, in one pass over the batch, and only then: in the steady state no reading asks (a number at or
 * below its kiosk's highest in the batch is the only candidate), and an index filled for every reading cost an entry
 * and a key a reading (issue 16). A batch that asks pays once, linearly, where a search back per candidate was
 * quadratic in the batch (a kiosk sending a whole batch of repeats again: 125,000 comparisons at 500 readings).
 */
final class BatchRepeats {
    private record Key(KioskId kiosk, long seq) { }

    private final List<? extends StoreItem> items;
    /** Null until the first question. */
    private Map<Key, Integer> first;

    /** @param items the batch's readings, in arrival order; not copied, so not to be changed while this is used */
    BatchRepeats(List<? extends StoreItem> items) {
        this.items = items;
    }

    /** The index of the batch's first reading with the kiosk and number of reading {@code i} (or {@code i}). */
    int first(int i) {
        if (first == null) {
            first = new HashMap<>(Math.max(16, items.size() * 2));
            for (int j = 0; j < items.size(); j++) {
                first.putIfAbsent(key(j), j);
            }
        }
        return first.get(key(i));
    }

    /** Whether a reading before {@code i} in the batch has its kiosk and number. */
    boolean repeatsEarlier(int i) {
        return first(i) < i;
    }

    /**
     * Whether anyone asked yet. {@link ReadingClaim} asks about every reading at or below the highest number its kiosk
     * had earlier in the batch, which every repeat is: after its claim, a batch nobody asked about has no repeat, and
     * a duplicate of a reading stored before the batch (a redelivery) needs no index.
     */
    boolean asked() {
        return first != null;
    }

    private Key key(int i) {
        StoreItem item = items.get(i);
        return new Key(item.kiosk(), item.seq());
    }
}
