package org.telekiosk.agent.uplink;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telekiosk.agent.uplink.UplinkFixtures.failure;
import static org.telekiosk.agent.uplink.UplinkFixtures.measurement;
import static org.telekiosk.agent.uplink.UplinkFixtures.quickReconnect;
import static org.telekiosk.agent.uplink.UplinkFixtures.settings;
import static org.telekiosk.agent.uplink.UplinkFixtures.uplinkThreads;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.agent.testing.LogCapture;
import org.telekiosk.agent.uplink.UplinkException.Reason;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.SensorHealth;
import org.telekiosk.protocol.telemetry.SensorState;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import java.time.Instant;
import org.telekiosk.protocol.topic.Topics;

class PahoUplinkTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @RegisterExtension
    static final EmbeddedBroker broker = new EmbeddedBroker();

    private static PahoUplink connected(String kiosk, int window) throws IOException {
        PahoUplink uplink = new PahoUplink(settings(broker, kiosk, window), quickReconnect());
        uplink.start();
        await().atMost(PATIENCE).until(uplink::isConnected);
        return uplink;
    }

    /**
     * A kiosk with nothing to send keeps its connection: Paho sends PINGREQ within each keep-alive interval, on the
     * agent's own {@link PahoThreads} (whose idle threads end), and the broker, which closes a connection silent for
     * 1.5 intervals (MQTT 5 §3.1.2.10), keeps it. A connection without pings would be closed after 4.5 s here and
     * come back as a second connection before the second ping (at about 6 s). The interval is 3 s, not 1 s: the
     * broker's allowance is half an interval past each ping, and a loaded CI machine delayed a ping of a 1 s interval
     * by more than its 0.5 s (a false second connection, 2026-12-06).
     */
    @Test
    void anIdleConnectionSendsPingsAndStaysOpen() throws Exception {
        String kiosk = "kiosk-idle";
        UplinkSettings base = settings(broker, kiosk, 10);
        UplinkSettings threeSeconds = new UplinkSettings(base.serverUri(), base.kiosk(), base.password(),
                base.caFile(), base.sessionExpiry(), base.inflightWindow(), Duration.ofSeconds(3), base.connectTimeout());
        try (PahoUplink uplink = new PahoUplink(threeSeconds, quickReconnect())) {
            uplink.start();
            await().atMost(PATIENCE).until(uplink::isConnected);
            await().atMost(PATIENCE).until(() -> broker.pingsFrom(kiosk) >= 2);
            assertTrue(uplink.isConnected());
            assertEquals(1, uplink.status().connections(), "the first connection is still the only one");
        }
    }

    @Test
    void aPublishIsAcknowledgedAndTheSubscriberReceivesTheExactCborBytes() throws Exception {
        Measurement reading = measurement("kiosk-publish", 1);
        try (TestSubscriber subscriber = new TestSubscriber(broker, Topics.measurements(reading.kiosk()));
                PahoUplink uplink = connected("kiosk-publish", 32)) {

            uplink.publish(reading).get(10, TimeUnit.SECONDS);

            TestSubscriber.Received received = subscriber.received().poll(10, TimeUnit.SECONDS);
            WireCodec cbor = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
            assertEquals(Topics.measurements(reading.kiosk()), received.topic());
            assertArrayEquals(cbor.encode((KioskMessage) reading), received.payload());
            assertEquals(reading, cbor.decode(received.payload(), KioskMessage.class));
        }
    }

    @Test
    void aStatusGoesToTheStatusTopicAndAWaveformBatchToTheMeasurementsTopic() throws Exception {
        KioskId kiosk = KioskId.of("kiosk-topics");
        KioskStatus status = new KioskStatus(kiosk, Instant.parse("2026-11-22T10:15:32Z"),
                List.of(new SensorHealth(SensorId.of("hx711"), SensorState.ABSENT, "no answer on GPIO 5/6")), 2, 0);
        WaveformBatch batch = new WaveformBatch(kiosk, 7, SensorId.of("ads1115"), Signal.ECG, UcumUnit.MILLIVOLT,
                250, Instant.parse("2026-11-22T10:15:31Z"), 0.001, List.of(-12, 35, 1210, -300, 0));
        try (TestSubscriber subscriber = new TestSubscriber(broker, "telekiosk/v1/kiosks/kiosk-topics/#");
                PahoUplink uplink = connected(kiosk.value(), 32)) {

            uplink.publish(status).get(10, TimeUnit.SECONDS);
            uplink.publish(batch).get(10, TimeUnit.SECONDS);

            WireCodec cbor = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
            TestSubscriber.Received first = subscriber.received().poll(10, TimeUnit.SECONDS);
            // The connection's own "online" (PahoUplinkPresenceTest) comes first.
            if (cbor.decode(first.payload(), KioskMessage.class) instanceof org.telekiosk.protocol.telemetry.Presence) {
                first = subscriber.received().poll(10, TimeUnit.SECONDS);
            }
            TestSubscriber.Received second = subscriber.received().poll(10, TimeUnit.SECONDS);
            assertEquals(Topics.status(kiosk), first.topic());
            assertEquals(status, cbor.decode(first.payload(), KioskMessage.class));
            assertEquals(Topics.measurements(kiosk), second.topic());
            assertEquals(batch, cbor.decode(second.payload(), KioskMessage.class));
        }
    }

    @Test
    void theWindowIsTheSmallerOfTheConfiguredOneAndTheBrokersReceiveMaximum() throws Exception {
        try (PahoUplink large = connected("kiosk-window-large", 100)) {
            assertEquals(10, large.status().window(), "HiveMQ's default receive maximum is 10");
        }
        try (PahoUplink small = connected("kiosk-window-small", 3)) {
            assertEquals(3, small.status().window());
        }
    }

    @Test
    void aBurstOf200PublishesWithAWindowLargerThanTheReceiveMaximumNeverFailsWith32202() throws Exception {
        String kiosk = "kiosk-burst";
        try (TestSubscriber subscriber = new TestSubscriber(broker, Topics.measurements(KioskId.of(kiosk)));
                PahoUplink uplink = connected(kiosk, 100)) {
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            List<UplinkException> fastFailures = new ArrayList<>();
            int mostInFlight = 0;
            for (long seq = 1; seq <= 200; seq++) {
                CompletableFuture<Void> publish = uplink.publish(measurement(kiosk, seq));
                while (publish.isCompletedExceptionally()) {
                    fastFailures.add(failure(publish));
                    // Wait for any acknowledgement, then try the same reading again. If every publish completed
                    // since the refusal, there is nothing to wait for (anyOf() of nothing never completes).
                    CompletableFuture<?>[] pending = sent.stream().filter(f -> !f.isDone())
                            .toArray(CompletableFuture[]::new);
                    if (pending.length > 0) {
                        CompletableFuture.anyOf(pending).get(10, TimeUnit.SECONDS);
                    }
                    publish = uplink.publish(measurement(kiosk, seq));
                }
                sent.add(publish);
                mostInFlight = Math.max(mostInFlight, uplink.status().inFlight());
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            assertTrue(fastFailures.stream().allMatch(f -> f.reason() == Reason.WINDOW_FULL && f.getCause() == null),
                    "only our own window may refuse, never Paho: " + fastFailures);
            assertTrue(mostInFlight <= 10, "in flight at most the receive maximum, was " + mostInFlight);
            Set<Long> arrived = new HashSet<>();
            while (arrived.size() < 200) {
                TestSubscriber.Received received = subscriber.received().poll(10, TimeUnit.SECONDS);
                arrived.add(WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES)
                        .decode(received.payload(), Measurement.class).seq());
            }
        }
    }

    @Test
    void aPubackWithAnErrorReasonCodeCompletesThePublishWithRefused() throws Exception {
        try (PahoUplink uplink = connected("kiosk-refused", 32)) {
            // The broker lets a kiosk publish under its own topics only: PUBACK 0x87 (not authorized), then DISCONNECT.
            CompletableFuture<Void> foreign = uplink.publish(measurement("kiosk-someone-else", 1));

            UplinkException refused = failure(await().atMost(PATIENCE).until(() -> foreign, CompletableFuture::isDone));
            assertEquals(Reason.REFUSED, refused.reason());
            assertTrue(refused.getMessage().contains("0x87"), refused.getMessage());
            await().atMost(PATIENCE).until(() -> uplink.status().connections() == 2 && uplink.isConnected());
            uplink.publish(measurement("kiosk-refused", 1)).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPublishInFlightWhenTheConnectionDropsCompletesWithLostAndTheUplinkComesBack() throws Exception {
        try (PahoUplink uplink = connected("kiosk-lost", 32)) {
            broker.holdPublishes(true);
            CompletableFuture<Void> pending = uplink.publish(measurement("kiosk-lost", 1));
            await().atMost(PATIENCE).until(() -> broker.heldPublishes() == 1);
            assertFalse(pending.isDone());
            assertEquals(1, uplink.status().inFlight());

            broker.disconnect("kiosk-lost");

            await().atMost(PATIENCE).until(pending::isDone);
            assertEquals(Reason.LOST, failure(pending).reason());
            broker.releaseHeld();
            await().atMost(PATIENCE).until(() -> uplink.status().connections() == 2 && uplink.isConnected());
            assertEquals(0, uplink.status().inFlight());
            uplink.publish(measurement("kiosk-lost", 1)).get(10, TimeUnit.SECONDS);
        } finally {
            broker.releaseHeld();
        }
    }

    @Test
    void theRetainedStoreAckReachesItsListenerBeforeTheConnectionIsReportedSoTheOutboxDeletesBeforeItSends()
            throws Exception {
        KioskId kiosk = KioskId.of("kiosk-retained-ack");
        WireCodec cbor = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
        try (TestSubscriber downlink = new TestSubscriber(broker, Topics.measurements(kiosk))) {
            downlink.publish(Topics.acks(kiosk), cbor.encode(new StoreAck(kiosk, 42)),
                    true);
        }
        List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
        try (PahoUplink uplink = new PahoUplink(settings(broker, kiosk.value(), 32), quickReconnect())) {
            uplink.addStoreAckListener(ack -> events.add("store-ack " + ack.storedThrough()));
            uplink.addConnectedListener(() -> events.add("connected"));
            uplink.expectStoreAck(() -> true);
            uplink.start();
            await().atMost(PATIENCE).until(() -> events.contains("connected"));
            assertEquals(List.of("store-ack 42", "connected"), List.copyOf(events));
        }
    }

    @Test
    void aPublishBeforeTheFirstConnectFailsAtOnceWithDisconnected() throws Exception {
        try (PahoUplink uplink = new PahoUplink(settings(broker, "kiosk-early", 32), quickReconnect())) {
            CompletableFuture<Void> early = uplink.publish(measurement("kiosk-early", 1));
            assertTrue(early.isCompletedExceptionally());
            assertEquals(Reason.DISCONNECTED, failure(early).reason());
        }
    }

    @Test
    void closeFailsWhatIsInFlightWithLostAndReleasesEveryThreadOfPahoAndOfTheUplink() throws Exception {
        PahoUplink uplink = connected("kiosk-close", 32);
        CompletableFuture<Void> pending;
        try {
            broker.holdPublishes(true);
            pending = uplink.publish(measurement("kiosk-close", 1));
            await().atMost(PATIENCE).until(() -> broker.heldPublishes() == 1);
            assertFalse(uplinkThreads("kiosk-close").isEmpty());

            uplink.close();
        } finally {
            broker.releaseHeld();
        }

        assertEquals(Reason.LOST, failure(pending).reason());
        assertEquals(PahoUplink.State.CLOSED, uplink.status().state());
        assertEquals(Reason.DISCONNECTED, failure(uplink.publish(measurement("kiosk-close", 2))).reason());
        await().atMost(PATIENCE).until(() -> uplinkThreads("kiosk-close").isEmpty());
        uplink.close();
    }

    @Test
    void noPahoLockFilesOrDirectoriesAppearInTheWorkingDirectory() throws Exception {
        Path workingDirectory = Path.of(System.getProperty("user.dir"));
        Set<Path> before = listing(workingDirectory);

        try (PahoUplink uplink = connected("kiosk-files", 32)) {
            uplink.publish(measurement("kiosk-files", 1)).get(10, TimeUnit.SECONDS);
        }

        Set<Path> after = listing(workingDirectory);
        after.removeAll(before);
        assertEquals(Set.of(), after, "new entries in " + workingDirectory);
    }

    @Test
    void neitherTheSettingsNorTheUplinkNorItsLogShowThePassword() throws Exception {
        UplinkSettings settings = settings(broker, "kiosk-secret", 32);
        String password = broker.passwordOf("kiosk-secret");
        try (LogCapture log = new LogCapture()) {
            try (PahoUplink uplink = new PahoUplink(settings, quickReconnect())) {
                uplink.start();
                await().atMost(PATIENCE).until(uplink::isConnected);
                uplink.publish(measurement("kiosk-secret", 1)).join();
                broker.disconnect("kiosk-secret");
                await().atMost(PATIENCE).until(() -> uplink.status().connections() == 2);
                assertFalse(uplink.toString().contains(password), uplink.toString());
            }
            assertTrue(log.text().contains("Connected to"), "the capture works");
            assertFalse(log.text().contains(password), "the password was logged");
        }
        assertFalse(settings.toString().contains(password), settings.toString());
    }

    private static Set<Path> listing(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return new HashSet<>(entries.toList());
        }
    }
}
