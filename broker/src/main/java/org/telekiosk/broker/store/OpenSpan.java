package org.telekiosk.broker.store;

/**
 * One kiosk's open span, in memory: the columns {@code span_first_seq}, {@code span_min_at}, {@code span_max_at} of
 * its {@code kiosk_ledger} row, loaded and saved with its gap ledger ({@link GapTable}) in the transaction that stores
 * its readings. Pure logic; {@link SpanTable} holds the closed spans. The invariant it keeps with them is in
 * {@code V14__reading_spans.sql}: every stored reading (seq s, time t) of the kiosk is in the open span ({@code s >=
 * first}, {@code min <= t <= max}) or in a closed span whose numbers and times hold it.
 *
 * <p>When to close: a time range [from, to) reads every row of the spans it meets, so a span is at most about
 * {@link #CLOSE_WIDTH_NANOS} of kiosk time (an hour's read reads at most two spans more, on average one: +8 %, a day's
 * +0.3 %) and {@link #CLOSE_NUMBERS} numbers (a clock standing still, or readings sent far faster than usual). At the
 * agent's one reading a second a span holds 300 readings and costs one row (two index entries) when it closes, about
 * 0.3 % of the pages the readings dirty; 288 spans a kiosk a day, which a day's read looks up by index.
 */
final class OpenSpan {
    /** Close the open span once its readings' times are 5 minutes apart or more. */
    static final long CLOSE_WIDTH_NANOS = 300_000_000_000L;
    /** Close the open span once it holds 10,000 numbers or more. */
    static final long CLOSE_NUMBERS = 10_000;

    private Long first;
    private long min;
    private long max;
    private boolean empty;
    private boolean changed;

    /** @param first null if no span was ever open; @param min and @param max null if it holds no reading */
    OpenSpan(Long first, Long min, Long max) {
        this.first = first;
        this.empty = min == null || max == null;
        this.min = empty ? 0 : min;
        this.max = empty ? 0 : max;
    }

    /** Whether a reading numbered {@code seq} belongs here ({@link #widen}) rather than in a closed span. */
    boolean covers(long seq) {
        return first != null && seq >= first;
    }

    /** Takes in a reading's time (its number is covered). */
    void widen(long at) {
        if (empty) {
            min = max = at;
            empty = false;
            changed = true;
        } else if (at < min) {
            min = at;
            changed = true;
        } else if (at > max) {
            max = at;
            changed = true;
        }
    }

    /**
     * Whether the span may open at, or go down to, a reading below it and stay within the closing limits (the kiosk's
     * highest number {@code highest}): always when no span is open; never when that would make it due to close.
     */
    boolean canLowerTo(long seq, long at, long highest) {
        if (first == null) {
            return true;
        }
        long lo = empty ? at : Math.min(min, at);
        long hi = empty ? at : Math.max(max, at);
        return highest - seq + 1 < CLOSE_NUMBERS && hi - lo < CLOSE_WIDTH_NANOS;
    }

    /** Opens the span at a reading, or lowers its first number to it ({@link #canLowerTo}). */
    void lowerTo(long seq, long at) {
        if (first == null || seq < first) {
            first = seq;
            changed = true;
        }
        widen(at);
    }

    /**
     * Closes the span if it is wide or long enough: returns it as a closed span up to {@code highest} (the kiosk's
     * highest number received, at or above every number stored), and opens an empty one above it. Null if it stays open.
     */
    SpanTable.Span closeIfDue(long highest) {
        if (first == null || empty || (max - min < CLOSE_WIDTH_NANOS && highest - first + 1 < CLOSE_NUMBERS)) {
            return null;
        }
        SpanTable.Span closed = new SpanTable.Span(first, highest, min, max);
        first = highest + 1;
        empty = true;
        changed = true;
        return closed;
    }

    boolean changed() {
        return changed;
    }

    /** The column values: first number, or null. */
    Long first() {
        return first;
    }

    Long min() {
        return empty ? null : min;
    }

    Long max() {
        return empty ? null : max;
    }
}
