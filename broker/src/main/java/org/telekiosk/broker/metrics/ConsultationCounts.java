package org.telekiosk.broker.metrics;

import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.consultation.ConsultationState;

/**
 * The consultations by state for the gauges: one query for all states, kept for {@link #MAX_AGE_NANOS} so that
 * the four gauges of one scrape share it. Read on the metrics listener's thread (a virtual thread), never on an
 * event loop; a failing query gives NaN (Prometheus shows the gap) and is logged, the scrape still answers.
 */
final class ConsultationCounts {
    private static final Logger LOG = LoggerFactory.getLogger(ConsultationCounts.class);
    static final long MAX_AGE_NANOS = 1_000_000_000L;

    private final Supplier<Map<ConsultationState, Long>> query;
    private final LongSupplier nanoTime;
    private Map<ConsultationState, Long> last;
    private long lastAt;

    ConsultationCounts(Supplier<Map<ConsultationState, Long>> query, LongSupplier nanoTime) {
        this.query = Objects.requireNonNull(query, "query");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** The consultations in {@code state}, at most {@link #MAX_AGE_NANOS} old; NaN when the store cannot say. */
    synchronized double count(ConsultationState state) {
        long now = nanoTime.getAsLong();
        if (last == null || now - lastAt >= MAX_AGE_NANOS) {
            try {
                last = Map.copyOf(query.get());
            } catch (RuntimeException e) {
                LOG.warn("Cannot count the consultations for the metrics: {}", e.toString());
                last = null;
                return Double.NaN;
            }
            lastAt = now;
        }
        return last.getOrDefault(state, 0L);
    }
}
