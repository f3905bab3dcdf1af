package org.telekiosk.broker.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.audit.InMemoryAuditLog;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.protocol.KioskId;

/**
 * The publish quota keeps a bucket per kiosk only while it differs from none: many kiosks that come and go leave no
 * buckets behind, and a kiosk that stays gets exactly the answers it would get if nothing were ever pruned.
 */
class PublishQuotaPruneTest {
    static final int RATE = 20;
    static final int BURST = 40;

    final MutableClock clock = MutableClock.startingAt("2026-12-05T10:00:00Z");
    final InMemoryAuditLog audit = new InMemoryAuditLog();
    final PublishQuota quota = new PublishQuota(RATE, BURST, audit, clock);

    @Test
    void tenThousandKioskThatPublishedAndWentQuietLeaveNoBucket() {
        for (int i = 0; i < 10_000; i++) {
            KioskId kiosk = KioskId.of("churn-" + i);
            for (int n = 0; n < 5; n++) {
                assertTrue(quota.take(kiosk));
            }
        }
        assertEquals(10_000, quota.kioskCount());
        assertEquals(0, quota.prune(k -> false), "no bucket is full yet");

        clock.advance(Duration.ofMillis(5 * 1000 / RATE)); // five tokens back: every bucket full again
        assertEquals(10_000, quota.prune(k -> false));
        assertEquals(0, quota.kioskCount());
    }

    @Test
    void aKioskThatStaysGetsTheSameAnswersAsIfNothingWerePruned() {
        PublishQuota neverPruned = new PublishQuota(RATE, BURST, new InMemoryAuditLog(), clock);
        KioskId kiosk = KioskId.of("stays-1");
        SplittableRandom random = new SplittableRandom(16);
        List<Boolean> pruned = new ArrayList<>();
        List<Boolean> kept = new ArrayList<>();
        for (int step = 0; step < 5_000; step++) {
            // Bursts, floods and quiet spells: from 0 to 300 ms between publishes.
            clock.advance(Duration.ofMillis(random.nextInt(4) == 0 ? random.nextInt(300) : random.nextInt(3)));
            pruned.add(quota.take(kiosk));
            kept.add(neverPruned.take(kiosk));
            if (step % 7 == 0) {
                quota.prune(k -> false);
            }
        }
        assertEquals(kept, pruned);
        assertTrue(kept.contains(false), "the schedule went over the quota");
        assertEquals(neverPruned.refused(kiosk), quota.refused(kiosk));
    }

    @Test
    void aDrainedBucketIsKeptUntilItRefilled() {
        KioskId kiosk = KioskId.of("drained-1");
        for (int n = 0; n < BURST; n++) {
            assertTrue(quota.take(kiosk));
        }
        clock.advance(Duration.ofMillis(1000 / RATE * (BURST - 1)));
        assertEquals(0, quota.prune(k -> false), "one token short of full");
        assertEquals(1, quota.kioskCount());
        clock.advance(Duration.ofMillis(1000 / RATE));
        assertEquals(1, quota.prune(k -> false));
    }

    @Test
    void aKioskThatWentOverItsQuotaKeepsItsCountUntilRevoked() {
        KioskId kiosk = KioskId.of("flooder-1");
        for (int n = 0; n < BURST + 3; n++) {
            quota.take(kiosk);
        }
        assertEquals(3, quota.refused(kiosk));
        clock.advance(Duration.ofHours(1));
        assertEquals(0, quota.prune(k -> false), "the fleet view shows its refusals since start");
        assertEquals(3, quota.refused(kiosk));

        assertEquals(1, quota.prune(kiosk::equals), "a revoked kiosk's bucket goes");
        assertEquals(0, quota.refused(kiosk));
        assertEquals(3, quota.refusedTotal(), "the node's total stays");
    }

    @Test
    void forgettingARevokedKioskGivesItsIdAFreshBucket() {
        KioskId kiosk = KioskId.of("revoked-1");
        for (int n = 0; n < BURST + 1; n++) {
            quota.take(kiosk);
        }
        assertFalse(quota.take(kiosk));
        quota.forget(kiosk);
        assertEquals(0, quota.kioskCount());
        assertEquals(0, quota.refused(kiosk));
        assertTrue(quota.take(kiosk), "enrolled again: a full bucket");
    }
}
