package org.telekiosk.agent.uplink;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When a connection is reported: after the SUBACK, the online PUBACK and the retained acknowledgement (or its wait). */
class SessionReadyTest {
    private static final Duration LONG = Duration.ofHours(1);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger reports = new AtomicInteger();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private SessionReady ready(boolean retainAvailable, boolean holding, Duration wait) {
        return new SessionReady(retainAvailable, () -> holding, scheduler, wait, reports::incrementAndGet);
    }

    @Test
    void aKioskHoldingReadingsIsReportedOnlyOnceTheRetainedAcknowledgementArrived() {
        SessionReady ready = ready(true, true, LONG);
        ready.subscribed(true);
        ready.announced();
        assertEquals(0, reports.get());
        ready.acknowledged();
        assertEquals(1, reports.get());
        ready.acknowledged();
        assertEquals(1, reports.get(), "reported once");
    }

    @Test
    void theAcknowledgementBeforeTheSubackCountsToo() {
        SessionReady ready = ready(true, true, LONG);
        ready.acknowledged();
        ready.announced();
        assertEquals(0, reports.get());
        ready.subscribed(true);
        assertEquals(1, reports.get());
    }

    @Test
    void withoutAnAcknowledgementTheWaitRunsOutAndTheConnectionIsReported() {
        SessionReady ready = ready(true, true, Duration.ofMillis(20));
        ready.subscribed(true);
        ready.announced();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(1, reports.get()));
    }

    @Test
    void nothingIsWaitedForWhenTheKioskHoldsNothingTheSubscriptionWasRefusedOrNothingIsRetained() {
        SessionReady empty = ready(true, false, LONG);
        empty.subscribed(true);
        empty.announced();
        assertEquals(1, reports.get());
        SessionReady refused = ready(true, true, LONG);
        refused.subscribed(false);
        refused.announced();
        assertEquals(2, reports.get());
        SessionReady noRetain = ready(false, true, LONG);
        noRetain.announced();
        noRetain.subscribed(true);
        assertEquals(3, reports.get());
    }

    @Test
    void theOnlineAnnouncementIsAlwaysWaitedFor() {
        SessionReady ready = ready(true, false, LONG);
        ready.subscribed(true);
        ready.acknowledged();
        assertEquals(0, reports.get());
        ready.announced();
        assertEquals(1, reports.get());
    }

    @Test
    void aCancelledSessionIsNeverReported() {
        SessionReady ready = ready(true, true, Duration.ofMillis(20));
        ready.subscribed(true);
        ready.cancel();
        ready.announced();
        ready.acknowledged();
        assertEquals(0, reports.get());
    }
}
