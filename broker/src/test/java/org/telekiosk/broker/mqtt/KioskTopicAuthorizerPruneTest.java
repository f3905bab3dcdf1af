package org.telekiosk.broker.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.InMemoryAuditLog;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.protocol.KioskId;

/**
 * The topic authorizer's audit windows are kept only for the minute they count: kiosks that misbehaved once and went
 * leave none behind, and a kiosk's cap of audits per minute holds across a prune.
 */
class KioskTopicAuthorizerPruneTest {
    final MutableClock clock = MutableClock.startingAt("2026-12-05T10:00:10Z");
    final InMemoryAuditLog audit = new InMemoryAuditLog();
    final KioskTopicAuthorizer authorizer = new KioskTopicAuthorizer(audit, clock);

    long audited() {
        return audit.since(java.time.Instant.EPOCH).stream()
                .filter(e -> e.action() == AuditAction.MQTT_ACCESS_REFUSED).count();
    }

    @Test
    void windowsOfMinutesThatAreOverArePruned() {
        for (int i = 0; i < 1_000; i++) {
            authorizer.refuse(KioskId.of("churn-" + i), "publish to 'x'", "test");
        }
        assertEquals(1_000, authorizer.kioskCount());
        assertEquals(0, authorizer.prune(k -> false), "their minute is not over");

        clock.advance(Duration.ofSeconds(50)); // the next minute
        assertEquals(1_000, authorizer.prune(k -> false));
        assertEquals(0, authorizer.kioskCount());
    }

    @Test
    void theCapPerMinuteHoldsAcrossAPruneAndANewMinuteStartsAfresh() {
        KioskId kiosk = KioskId.of("stays-1");
        for (int n = 0; n < KioskTopicAuthorizer.AUDITS_PER_MINUTE; n++) {
            authorizer.refuse(kiosk, "publish to 'x'", "test");
            authorizer.prune(k -> false);
        }
        authorizer.refuse(kiosk, "publish to 'x'", "test");
        assertEquals(KioskTopicAuthorizer.AUDITS_PER_MINUTE, audited(), "the 11th of the minute is only counted");
        assertEquals(KioskTopicAuthorizer.AUDITS_PER_MINUTE + 1, authorizer.refusedCount());

        clock.advance(Duration.ofMinutes(1));
        authorizer.prune(k -> false);
        authorizer.refuse(kiosk, "publish to 'x'", "test");
        assertEquals(KioskTopicAuthorizer.AUDITS_PER_MINUTE + 1, audited(), "a new minute, a new window");
    }

    @Test
    void aRevokedKioskIsForgotten() {
        KioskId kiosk = KioskId.of("revoked-1");
        authorizer.refuse(kiosk, "publish to 'x'", "test");
        assertEquals(1, authorizer.prune(kiosk::equals));
        authorizer.refuse(kiosk, "publish to 'x'", "test");
        authorizer.forget(kiosk);
        assertEquals(0, authorizer.kioskCount());
    }
}
