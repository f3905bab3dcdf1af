package org.telekiosk.broker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.consultation.ConsultationState;

/** The four gauges of one scrape share one query; a failing query is NaN and is retried at the next scrape. */
class ConsultationCountsTest {
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicInteger queries = new AtomicInteger();
    private volatile boolean failing;

    private final ConsultationCounts counts = new ConsultationCounts(() -> {
        queries.incrementAndGet();
        if (failing) {
            throw new IllegalStateException("database gone");
        }
        return Map.of(ConsultationState.IN_CALL, 2L + queries.get(), ConsultationState.WAITING, 1L);
    }, nanos::get);

    @Test
    void oneQueryServesEveryStateForASecond() {
        assertEquals(3.0, counts.count(ConsultationState.IN_CALL));
        assertEquals(1.0, counts.count(ConsultationState.WAITING));
        assertEquals(0.0, counts.count(ConsultationState.SCHEDULED), "a state without rows is 0");
        assertEquals(1, queries.get());
        nanos.addAndGet(ConsultationCounts.MAX_AGE_NANOS);
        assertEquals(4.0, counts.count(ConsultationState.IN_CALL), "asked again once a second has passed");
        assertEquals(2, queries.get());
    }

    @Test
    void aFailingQueryGivesNanAndTheNextScrapeAsksAgain() {
        failing = true;
        assertTrue(Double.isNaN(counts.count(ConsultationState.IN_CALL)));
        failing = false;
        assertEquals(4.0, counts.count(ConsultationState.IN_CALL), "not cached after a failure");
    }
}
