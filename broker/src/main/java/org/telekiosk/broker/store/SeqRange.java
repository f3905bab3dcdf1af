package org.telekiosk.broker.store;

/**
 * Sequence numbers {@code first..last} of one kiosk, both included.
 *
 * @param first the first sequence number, at least 1
 * @param last  the last, at least {@code first}
 */
public record SeqRange(long first, long last) {
    public SeqRange {
        if (first < 1 || last < first) {
            throw new IllegalArgumentException("not a sequence range: " + first + ".." + last);
        }
    }

    /** How many sequence numbers the range holds. */
    public long size() {
        return last - first + 1;
    }

    public boolean contains(long seq) {
        return seq >= first && seq <= last;
    }

    @Override
    public String toString() {
        return first == last ? Long.toString(first) : first + ".." + last;
    }
}
