package org.telekiosk.hardware.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.store.KioskProgress;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.link.netns.VethLink;
import org.telekiosk.link.profile.LinkProfile;
import org.telekiosk.link.profile.LinkProfiles;
import org.telekiosk.link.profile.LinkSchedule;
import org.telekiosk.protocol.KioskId;

/**
 * The real edge agent (simulated sensors, the kiosk's default schedules) in a network namespace of its own, reaching
 * the real broker only through the link emulator under the {@code edge} profile (256 kbit/s, 150 ms ± 30 ms each
 * way, 3 % loss), then a 10 s cut, then {@code edge} again: every reading is stored exactly once, and the readings
 * taken during the cut reach the store only after it. Needs root (skipped otherwise, with the reason). The long runs
 * of every profile: {@link LinkProfilesBenchmarkTest}. The seed: {@code -Dtelekiosk.link.seed=N} (default 1).
 */
class LinkVitalsSystemTest {
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final Duration CUT = Duration.ofSeconds(10);

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension(KioskOnLink.brokerConfig());

    @TempDir
    Path kioskDir;

    @BeforeAll
    static void needsNamespaces() {
        Assumptions.assumeTrue(VethLink.unavailable().isEmpty(),
                () -> "skipped: the kiosk's link needs a network namespace: " + VethLink.unavailable().orElse(""));
    }

    @Test
    void underEdgeAndATenSecondCutEveryReadingIsStoredExactlyOnce() throws Exception {
        long seed = Long.getLong("telekiosk.link.seed", 1);
        LinkProfiles profiles = LinkProfiles.bundled();
        LinkProfile edge = profiles.profile("edge");
        KioskId kiosk = KioskId.of("link-kiosk-01");
        MeasurementStore store = BROKER.broker().store();
        KioskProvisioning.provision(BROKER, kiosk, kioskDir, "status.interval=5s", "mqtt.reconnect.max=5s");
        String namespace;
        try (KioskOnLink kioskLink = KioskOnLink.open(BROKER, profiles.schedule("edge", seed), seed);
                StoreLatency latency = new StoreLatency(store, kiosk)) {
            namespace = kioskLink.namespace();
            kioskLink.pointAgent(kioskDir, BROKER.broker().mqttPort());
            String context = "seed " + seed + ", agent log " + kioskDir.resolve("agent.log");
            try (AgentProcess agent = kioskLink.startAgent(kioskDir)) {
                await(context).atMost(PATIENCE).until(() -> store.count(kiosk).get() >= 1);
                // readings taken before the agent's first connection was up are left out of the figures
                Instant connected = Instant.now().plusSeconds(2);
                // live readings under edge before the cut: 25 taken after the first connection and stored (the
                // kiosk takes about 2.9 a second; the backlog of its start does not count)
                await(context).atMost(PATIENCE).until(() -> latency.latencies(connected, Instant.now()).size() >= 25);
                Instant cutStart = Instant.now();
                kioskLink.link().switchTo(LinkSchedule.once("cut-then-edge", List.of(
                        LinkSchedule.Phase.fixed(LinkProfile.blackout(), CUT),
                        LinkSchedule.Phase.fixed(edge, Duration.ofSeconds(1))), seed));
                Instant cutEnd = cutStart.plus(CUT);
                long atCut = store.progress(kiosk).get().highest();
                await(context).atMost(PATIENCE).until(() -> {
                    KioskProgress progress = store.progress(kiosk).get();
                    // the kiosk sends about 2.6 readings a second: 25 more than at the cut means past its end
                    return Instant.now().isAfter(cutEnd) && progress.highest() > atCut + 25
                            && progress.contiguous() == progress.highest();
                });
                // The figures come from the poller's record of when each number was first seen stored: wait until it
                // has seen what the store holds now (on a starved machine it ran behind, and the readings of the cut,
                // stored but not yet seen, looked as if none had been taken).
                long storedNow = store.progress(kiosk).get().contiguous();
                await(context).atMost(PATIENCE).until(() -> latency.covered() >= storedNow);
                // up to the last second before the cut: what was on its way when the cut came waited for its end
                Map<Long, Long> beforeCut = latency.latencies(connected, cutStart.minusSeconds(1));
                assertFalse(beforeCut.isEmpty(), "no live readings before the cut");
                System.out.println("LinkVitalsSystemTest (" + context + "): edge, kiosk -> store "
                        + StoreLatency.figures(beforeCut.values()) + "; relay " + kioskLink.relay().counters()
                        + ", " + kioskLink.relay().connections() + " connection(s)");

                // Readings taken well inside the cut were stored only after it: the cut cut.
                Map<Long, Long> duringCut = latency.latencies(cutStart.plusSeconds(1), cutEnd.minusSeconds(1));
                assertFalse(duringCut.isEmpty(), "no reading taken during the cut was seen stored; "
                        + latency.slowest(cutStart.minusSeconds(5), cutEnd.plusSeconds(5), 5));
                for (long seq : duringCut.keySet()) {
                    assertFalse(latency.storedAt(seq).isBefore(cutEnd), "reading " + seq + " crossed the cut");
                }
            }
        }
        KioskProgress progress = store.progress(kiosk).get();
        assertEquals(progress.highest(), progress.contiguous(), progress.toString());
        assertEquals(progress.highest(), store.count(kiosk).get(), "every number 1..highest once; " + progress);
        assertEquals(List.of(), store.lostRanges(kiosk).get());
        assertEquals(0, BROKER.broker().mqtt().droppedMessages());
        assertFalse(VethLink.exists(namespace), namespace + " was left behind");
        assertTrue(progress.highest() > 55, progress.toString());
    }
}
