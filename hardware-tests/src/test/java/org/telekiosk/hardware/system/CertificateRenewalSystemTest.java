package org.telekiosk.hardware.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.agent.Agent;
import org.telekiosk.agent.enrollment.CertificateRenewer;
import org.telekiosk.agent.sensor.simulation.SimulatedKiosk;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.store.KioskProgress;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.protocol.KioskId;

/**
 * Renewal on a fake clock shared by broker and agent: enrolled 21 days "ago" with a 30-day certificate, the agent
 * publishes; the clock moves to now (past two thirds of the lifetime); the agent renews once over mutual TLS, keeps
 * publishing, reconnects with the new certificate (the old one is superseded), and no reading is lost.
 */
class CertificateRenewalSystemTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final MutableClock CLOCK = new MutableClock(Instant.now().minus(Duration.ofDays(21)));

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension(Map.of(), CLOCK);

    @TempDir
    Path kioskDir;

    long stored(KioskId kiosk) {
        return BROKER.broker().store().count(kiosk).join();
    }

    @Test
    void theAgentRenewsOnceAtTwoThirdsOfTheLifetimeKeepsPublishingAndLosesNothing() throws Exception {
        KioskId kiosk = KioskId.of("renewing-kiosk");
        var config = KioskProvisioning.provision(BROKER, kiosk, kioskDir, "sampling.interval=200ms");
        String firstSerial = BROKER.broker().kiosks().state().kiosk(kiosk).orElseThrow().serial();
        try (SimulatedKiosk hardware = new SimulatedKiosk(36.6);
                Agent agent = Agent.start(config, hardware.sensors(), CLOCK)) {
            CertificateRenewer renewer = agent.renewer().orElseThrow();
            assertInstanceOf(CertificateRenewer.Outcome.NotDue.class, renewer.check());
            await().atMost(WAIT).until(() -> stored(kiosk) >= 3);

            CLOCK.advance(Duration.between(CLOCK.instant(), Instant.now()));
            assertInstanceOf(CertificateRenewer.Outcome.Renewed.class, renewer.check());
            assertInstanceOf(CertificateRenewer.Outcome.NotDue.class, renewer.check(), "renews once");
            String newSerial = BROKER.broker().kiosks().state().kiosk(kiosk).orElseThrow().serial();
            assertNotEquals(firstSerial, newSerial);

            long refusedBefore = BROKER.broker().mqtt().refusedConnections();
            long beforeDrop = stored(kiosk);
            BROKER.broker().mqtt().disconnect(kiosk);
            await().atMost(WAIT).until(() -> stored(kiosk) >= beforeDrop + 5);
            assertEquals(refusedBefore, BROKER.broker().mqtt().refusedConnections(),
                    "the reconnect used the renewed certificate, not the superseded one");
        }
        await().atMost(WAIT).untilAsserted(() -> {
            KioskProgress progress = BROKER.broker().store().progress(kiosk).join();
            assertEquals(progress.highest(), progress.contiguous(), "no gap: " + progress.gaps());
            assertEquals(progress.highest(), stored(kiosk));
        });
        assertTrue(BROKER.broker().audit().since(Instant.EPOCH).stream()
                .anyMatch(e -> e.action() == AuditAction.CERTIFICATE_RENEWED));
    }
}
