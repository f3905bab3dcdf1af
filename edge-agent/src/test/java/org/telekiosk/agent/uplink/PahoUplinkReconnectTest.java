package org.telekiosk.agent.uplink;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telekiosk.agent.uplink.UplinkFixtures.failure;
import static org.telekiosk.agent.uplink.UplinkFixtures.measurement;
import static org.telekiosk.agent.uplink.UplinkFixtures.settings;
import static org.telekiosk.agent.uplink.UplinkFixtures.uplinkThreads;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.agent.outbox.Outbox;
import org.telekiosk.agent.outbox.OutboxSender;
import org.telekiosk.agent.outbox.OutboxSettings;
import org.telekiosk.agent.outbox.SyncPolicy;
import org.telekiosk.agent.testing.LogCapture;
import org.telekiosk.agent.uplink.UplinkException.Reason;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.retry.ReconnectPolicy;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.topic.Topics;

class PahoUplinkReconnectTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @RegisterExtension
    static final EmbeddedBroker broker = new EmbeddedBroker();

    @Test
    void aWrongPasswordIsRefusedAndRetriedWithBackoffNotInATightLoop() throws Exception {
        String kiosk = "kiosk-wrong-password";
        UplinkSettings right = settings(broker, kiosk, 32);
        MqttPassword wrong = MqttPassword.of("wrong-" + broker.passwordOf(kiosk));
        UplinkSettings settings = new UplinkSettings(right.serverUri(), right.kiosk(), wrong, right.caFile(),
                right.sessionExpiry(), right.inflightWindow(), right.keepAlive(), right.connectTimeout());
        Duration min = Duration.ofMillis(100);
        try (LogCapture log = new LogCapture();
                PahoUplink uplink = new PahoUplink(settings,
                        new ReconnectPolicy(min, Duration.ofMillis(400), new SplittableRandom(7)))) {
            uplink.start();

            await().atMost(PATIENCE).until(() -> broker.connectAttempts(kiosk).size() >= 6);

            List<Long> attempts = broker.connectAttempts(kiosk);
            for (int i = 1; i < attempts.size(); i++) {
                long gapMillis = TimeUnit.NANOSECONDS.toMillis(attempts.get(i) - attempts.get(i - 1));
                assertTrue(gapMillis >= min.toMillis(), "attempt " + i + " came after only " + gapMillis + " ms");
            }
            assertFalse(uplink.isConnected());
            assertEquals(Reason.DISCONNECTED, failure(uplink.publish(measurement(kiosk, 1))).reason());
            assertTrue(uplink.status().lastProblem().contains("0x86"), uplink.status().lastProblem());
            assertTrue(log.text().contains("next retry in"), "each retry is announced");
            assertFalse(log.text().contains("wrong-" + broker.passwordOf(kiosk)), "the password was logged");
            assertFalse(log.text().contains("\tat "), "expected network errors are logged without stack traces");
            assertTrue(uplinkThreads(kiosk).size() <= 1 + PahoThreads.SIZE,
                    "failed connects leak no threads: " + uplinkThreads(kiosk));
        }
    }

    /**
     * Forced reconnect cycles: 50 in the default build (a thread leaked per cycle shows 16 times over the allowance),
     * {@code -Dtelekiosk.reconnect-cycles=200} for the long run.
     */
    private static final int CYCLES = Integer.getInteger("telekiosk.reconnect-cycles", 50);

    @Test
    void manyForcedReconnectCyclesDoNotGrowTheNumberOfThreads() throws Exception {
        String kiosk = "kiosk-cycles";
        try (PahoUplink uplink = new PahoUplink(settings(broker, kiosk, 32),
                new ReconnectPolicy(Duration.ofMillis(5), Duration.ofMillis(20), new SplittableRandom(3)))) {
            uplink.start();
            await().atMost(PATIENCE).until(uplink::isConnected);
            long seq = 0;
            for (int warmUp = 0; warmUp < 5; warmUp++) {
                seq = cycle(uplink, kiosk, seq);
            }
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

            for (int i = 0; i < CYCLES; i++) {
                seq = cycle(uplink, kiosk, seq);
            }

            int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
            assertTrue(threadsAfter <= threadsBefore + 3,
                    "live threads grew from " + threadsBefore + " to " + threadsAfter);
            assertTrue(uplinkThreads(kiosk).size() <= 1 + PahoThreads.SIZE, "uplink threads: " + uplinkThreads(kiosk));
            assertEquals(CYCLES + 6, uplink.status().connections());
            assertTrue(uplink.status().sessionPresent(), "Clean Start 0 with a session expiry keeps the session");
        }
    }

    /** Has the broker drop the kiosk, waits for the reconnect, and has one reading acknowledged. */
    private static long cycle(PahoUplink uplink, String kiosk, long seq) throws Exception {
        long connections = uplink.status().connections();
        broker.disconnect(kiosk);
        await().atMost(PATIENCE).until(() -> uplink.status().connections() == connections + 1 && uplink.isConnected());
        uplink.publish(measurement(kiosk, seq + 1)).get(10, TimeUnit.SECONDS);
        return seq + 1;
    }

    @Test
    void theOutboxGetsEveryReadingAcknowledgedAcrossConnectionsDroppedWithPublishesInFlight(@TempDir Path dataDir)
            throws Exception {
        String kiosk = "kiosk-sender";
        try (TestSubscriber subscriber = new TestSubscriber(broker, Topics.measurements(KioskId.of(kiosk)));
                PahoUplink uplink = new PahoUplink(settings(broker, kiosk, 32), UplinkFixtures.quickReconnect());
                Outbox outbox = Outbox.open(new OutboxSettings(dataDir, 1 << 20, SyncPolicy.NORMAL, 10_000,
                        Duration.ofMillis(200)), Clock.systemUTC());
                OutboxSender sender = new OutboxSender(outbox, uplink, new OutboxSettings(dataDir, 1 << 20,
                        SyncPolicy.NORMAL, 10_000, Duration.ofMillis(200)), System::nanoTime)) {
            // Each round the broker holds the PUBACKs until the window is full, then drops the connection.
            sender.start();
            uplink.start();
            await().atMost(PATIENCE).until(uplink::isConnected);

            for (int round = 0; round < 3; round++) {
                broker.holdPublishes(true);
                for (long seq = round * 100 + 1; seq <= round * 100 + 100; seq++) {
                    outbox.record(n -> measurement(kiosk, n));
                }
                // HiveMQ handles one client's PUBLISHes in order: holding the first holds back the other nine.
                await().atMost(PATIENCE).until(() -> uplink.status().inFlight() == 10 && broker.heldPublishes() == 1);
                long connections = uplink.status().connections();

                broker.disconnect(kiosk);

                await().atMost(PATIENCE).until(() -> !uplink.isConnected());
                // HiveMQ answers the reconnect only once the old connection's held PUBLISH is done.
                broker.releaseHeld();
                await().atMost(PATIENCE).until(() -> uplink.status().connections() == connections + 1);
            }

            await().atMost(PATIENCE).until(sender::status, s -> s.acknowledged() >= 300 && s.inFlight() == 0);
            assertEquals(0, sender.status().dropped());
            Set<Long> arrived = new HashSet<>();
            WireCodec cbor = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
            while (arrived.size() < 300) {
                TestSubscriber.Received received = subscriber.received().poll(10, TimeUnit.SECONDS);
                arrived.add(cbor.decode(received.payload(), Measurement.class).seq());
            }
            // PUBACKed is not stored: the outbox lets go only when the store acknowledges, through the uplink.
            assertEquals(300, sender.status().queued());
            subscriber.publish(Topics.acks(KioskId.of(kiosk)),
                    cbor.encode(new StoreAck(KioskId.of(kiosk), 300)), true);
            await().atMost(PATIENCE).until(sender::status, s -> s.queued() == 0 && s.storedThrough() == 300);
        } finally {
            broker.releaseHeld();
        }
    }

    @Test
    void theUplinkReconnectsAfterTheBrokerIsStoppedAndStartedAgain() throws Exception {
        String kiosk = "kiosk-restart";
        try (PahoUplink uplink = new PahoUplink(settings(broker, kiosk, 32),
                new ReconnectPolicy(Duration.ofMillis(100), Duration.ofMillis(500), new SplittableRandom(5)))) {
            uplink.start();
            await().atMost(PATIENCE).until(uplink::isConnected);

            broker.stop();
            try {
                await().atMost(PATIENCE).until(() -> !uplink.isConnected());
                assertEquals(Reason.DISCONNECTED, failure(uplink.publish(measurement(kiosk, 1))).reason());
                await().atMost(PATIENCE).until(() -> uplink.status().connectAttempts() >= 3);
            } finally {
                broker.start();
            }

            await().atMost(PATIENCE).until(uplink::isConnected);
            uplink.publish(measurement(kiosk, 1)).get(10, TimeUnit.SECONDS);
            assertEquals(2, uplink.status().connections());
            assertTrue(uplink.status().sessionPresent(), "the restarted broker still had the kiosk's session");
        }
    }
}
