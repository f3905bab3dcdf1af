package org.telekiosk.hardware.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.store.KioskProgress;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.protocol.KioskId;

/**
 * The network path between a kiosk and the broker cut (a TCP proxy in the test swallows every byte, as a link that
 * drops packets: no FIN, no RST) and restored, with the agent running as a process. The cut lasts until both ends
 * have given up on the silent connection by their own timeouts: the kiosk (its MQTT keep-alive, 3 s here: a PINGREQ
 * unanswered) opens a new connection, which the cut swallows too, and the broker's MQTT broker drops the kiosk's
 * connection (1.5 times the keep-alive without a packet, MQTT 5 §3.1.2.10). Then the readings of the outage, waiting
 * in the outbox, arrive over the kiosk's next connection; every sequence number of the kiosk is in the store exactly
 * once. The cut comes only once the agent's start-up backlog is stored, so that what can still get through after it
 * is bounded by the in-flight window, not by the backlog's drain rate.
 *
 * <p>The kiosk negotiates the PUBACK as the store acknowledgement (in-process intake), so no reading waits for a
 * store-ack across the cut and {@code outbox.store-ack-timeout} plays no part here; the non-negotiated path is
 * {@code PubackNotNegotiatedSystemTest}'s and {@code RetainedStoreAckSystemTest}'s. {@code -Dtelekiosk.cut.seconds=N}
 * holds the cut at least N s (the long run: 60), the fault itself.
 */
class NetworkCutSystemTest {
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @TempDir
    Path kioskDir;

    @Test
    void readingsTakenWhileACutLinkIsSilentUntilBothEndsGiveUpArriveAfterwardsEachExactlyOnce() throws Exception {
        long minimumCutNanos = TimeUnit.SECONDS.toNanos(Long.getLong("telekiosk.cut.seconds", 0));
        KioskId kiosk = KioskId.of("cut-kiosk-01");
        MeasurementStore store = BROKER.broker().store();
        try (CuttableProxy proxy = new CuttableProxy(BROKER.broker().mqttPort())) {
            List<String> lines = new ArrayList<>(AgentKillSystemTest.FAST_KIOSK);
            lines.add("mqtt.keep-alive=3s");
            // While the path is cut, each connect attempt hangs until this timeout; after the restore the kiosk waits
            // out the attempt in progress and one backoff. 2 s and 1 s (were 5 s and 2 s) shorten that wait by
            // about 4 s at most.
            lines.add("mqtt.connect-timeout=2s");
            lines.add("mqtt.reconnect.max=1s");
            KioskProvisioning.provision(BROKER, kiosk, kioskDir, lines.toArray(String[]::new));
            Files.writeString(kioskDir.resolve("agent.properties"),
                    Files.readString(kioskDir.resolve("agent.properties")).replace(
                            "ssl://localhost:" + BROKER.broker().mqttPort(), "ssl://localhost:" + proxy.port()));
            String log = "agent log " + kioskDir.resolve("agent.log");

            try (AgentProcess agent = AgentProcess.start(kioskDir)) {
                awaitLiveReadingsOnly(store, kiosk, log);

                proxy.cut();
                long cutAt = System.nanoTime();
                long atCut = store.progress(kiosk).get().highest();
                await("the kiosk gives up on the silent connection and tries a new one; " + log).atMost(PATIENCE)
                        .until(() -> proxy.connectionsDuringCut() > 0);
                await("the broker drops the silent connection; " + log).atMost(PATIENCE)
                        .until(() -> !BROKER.broker().mqtt().isConnected(kiosk));
                long longer = minimumCutNanos - (System.nanoTime() - cutAt);
                if (longer > 0) {
                    // -Dtelekiosk.cut.seconds: the fault itself lasts longer (not synchronisation).
                    new CountDownLatch(1).await(longer, TimeUnit.NANOSECONDS);
                }
                long duringCut = store.progress(kiosk).get().highest();
                long cutMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutAt);
                proxy.restore();

                // What was past the proxy at the cut (at most the in-flight window, 32) may still arrive; nothing
                // after.
                assertTrue(duringCut < atCut + 100, "readings got through the cut: " + atCut + " -> " + duringCut);
                await("the readings of the cut (" + cutMillis + " ms) over a new connection; " + log)
                        .atMost(PATIENCE).until(() -> {
                            KioskProgress progress = store.progress(kiosk).get();
                            // About 30 readings a second were taken during the cut; all of them, and more, must be
                            // stored, and the broker's side of the old connection is gone: they came on a new one.
                            return progress.highest() > duringCut + cutMillis * 20 / 1000
                                    && progress.contiguous() == progress.highest();
                        });
            }
        }
        KioskProgress progress = store.progress(kiosk).get();
        assertEquals(progress.highest(), store.count(kiosk).get(), progress.toString());
        assertEquals(List.of(), store.lostRanges(kiosk).get());
        assertEquals(0, BROKER.broker().mqtt().droppedMessages());
    }

    /**
     * Waits until the kiosk is connected and the store holds every reading up to the highest at two polls about a
     * second apart, the highest having grown between them at about the sampling rate (30/s; at most 60/s, well under
     * the backlog's drain rate of 200/s): the agent's start-up backlog is stored and only live readings flow. Live
     * readings go before the backlog, so while it drains the highest runs ahead of the contiguous.
     */
    private static void awaitLiveReadingsOnly(MeasurementStore store, KioskId kiosk, String log) {
        long[] previous = {-1, 0}; // highest at the last poll if it was whole, and when
        await("the start-up backlog stored, live readings flowing; " + log).atMost(PATIENCE)
                .pollInterval(Duration.ofSeconds(1)).until(() -> {
                    KioskProgress progress = store.progress(kiosk).get();
                    long now = System.nanoTime();
                    boolean whole = progress.highest() >= 20 && progress.contiguous() == progress.highest()
                            && BROKER.broker().mqtt().isConnected(kiosk);
                    long before = previous[0];
                    long beforeAt = previous[1];
                    previous[0] = whole ? progress.highest() : -1;
                    previous[1] = now;
                    if (!whole || before < 0 || progress.highest() <= before) {
                        return false;
                    }
                    double perSecond = (progress.highest() - before) * 1e9 / (now - beforeAt);
                    return perSecond <= 60;
                });
    }
}
