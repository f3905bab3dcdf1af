package org.telekiosk.hardware.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.telekiosk.broker.store.KioskProgress;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.link.netns.VethLink;
import org.telekiosk.link.profile.Direction;
import org.telekiosk.link.profile.LinkProfiles;
import org.telekiosk.protocol.KioskId;

/**
 * The long runs, one per link profile (only with {@code -Dtelekiosk.link-profiles=true}; root): the real agent with
 * the kiosk's default schedules in its namespace, {@code -Dtelekiosk.link-profiles.seconds} (default 120) under the
 * profile, then the link is left as it is until every reading is stored. Asserts exactly once (no gap, no
 * duplicate, nothing lost) and prints a row of {@code docs/rural-links.md}'s table: kiosk → store latency percentiles of
 * the readings taken after the first connection, and the MQTT bytes per second each way.
 */
@EnabledIfSystemProperty(named = "telekiosk.link-profiles", matches = "true")
class LinkProfilesSystemTest {
    private static final Duration PATIENCE = Duration.ofSeconds(180);

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension(KioskOnLink.brokerConfig());

    @TempDir
    Path kioskDir;

    @BeforeAll
    static void needsNamespaces() {
        Assumptions.assumeTrue(VethLink.unavailable().isEmpty(),
                () -> "skipped: the kiosk's link needs a network namespace: " + VethLink.unavailable().orElse(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"good", "rural-lte", "edge", "flapping", "cut"})
    void everyReadingIsStoredExactlyOnceUnder(String profile) throws Exception {
        long seed = Long.getLong("telekiosk.link.seed", 1);
        long seconds = Long.getLong("telekiosk.link-profiles.seconds", 120);
        KioskId kiosk = KioskId.of("link-" + profile);
        MeasurementStore store = BROKER.broker().store();
        KioskProvisioning.provision(BROKER, kiosk, kioskDir, "status.interval=5s", "mqtt.reconnect.max=5s");
        try (KioskOnLink kioskLink = KioskOnLink.open(BROKER, LinkProfiles.bundled().schedule(profile, seed), seed);
                StoreLatency latency = new StoreLatency(store, kiosk)) {
            kioskLink.pointAgent(kioskDir, BROKER.broker().mqttPort());
            String context = profile + ", seed " + seed + ", agent log " + kioskDir.resolve("agent.log");
            Instant connected;
            Instant end;
            long bytesUp;
            long bytesDown;
            try (AgentProcess agent = kioskLink.startAgent(kioskDir)) {
                await(context).atMost(PATIENCE).until(() -> store.count(kiosk).get() >= 1);
                connected = Instant.now().plusSeconds(2);
                long upAtStart = kioskLink.relay().counters().bytesCount(Direction.UP);
                long downAtStart = kioskLink.relay().counters().bytesCount(Direction.DOWN);
                // The run's length is the experiment, not synchronisation: what follows waits with Awaitility.
                new CountDownLatch(1).await(seconds, TimeUnit.SECONDS);
                end = Instant.now();
                bytesUp = kioskLink.relay().counters().bytesCount(Direction.UP) - upAtStart;
                bytesDown = kioskLink.relay().counters().bytesCount(Direction.DOWN) - downAtStart;
                long highest = store.progress(kiosk).get().highest();
                await(context).atMost(PATIENCE).until(() -> {
                    KioskProgress progress = store.progress(kiosk).get();
                    return progress.highest() > highest + 10 && progress.contiguous() == progress.highest();
                });
                // the figures come from the poller's record of when each number was first seen stored
                long storedNow = store.progress(kiosk).get().contiguous();
                await(context).atMost(PATIENCE).until(() -> latency.covered() >= storedNow);
            }
            KioskProgress progress = store.progress(kiosk).get();
            assertEquals(progress.highest(), progress.contiguous(), context + ", " + progress);
            assertEquals(progress.highest(), store.count(kiosk).get(), context + ", " + progress);
            assertEquals(List.of(), store.lostRanges(kiosk).get(), context);
            Map<Long, Long> latencies = latency.latencies(connected, end);
            StoreLatency.Figures f = StoreLatency.figures(latencies.values());
            double elapsed = Duration.between(connected.minusSeconds(2), end).toMillis() / 1000.0;
            latency.slowest(connected, end, 8).forEach(row -> System.out.println("LINK-SLOW " + profile + " " + row));
            System.out.printf(Locale.ROOT, "LINK-ROW | %s | %d | %d | 0 | 0 | %d | %d | %d | %d | %.0f | %.0f |%n",
                    profile, seconds, f.count(), f.p50(), f.p95(), f.p99(), f.max(), bytesUp * 8 / elapsed,
                    bytesDown * 8 / elapsed);
        }
        assertEquals(0, BROKER.broker().mqtt().droppedMessages());
    }
}
