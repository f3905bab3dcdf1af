package org.telekiosk.broker.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.mqtt.InProcessIntake;
import org.telekiosk.broker.store.CommitLag;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.downlink.KioskDownlink;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.SensorHealth;
import org.telekiosk.protocol.telemetry.SensorState;
import org.telekiosk.protocol.topic.AckNegotiation;
import org.telekiosk.protocol.topic.Topics;

/**
 * The PUBACK as the store acknowledgement (protocol/README.md, "PUBACK as the store acknowledgement"), on the real
 * broker with the in-process intake and kiosks on Paho over mutual TLS: a kiosk that asks in its CONNECT gets the grant
 * in its CONNACK, its PUBACK still comes only after the commit, a refused reading gets 0x99 with the reason, and no
 * store-ack follows its readings (only its status); a kiosk that does not ask is served as before.
 */
class PubackStoreAckIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension(Map.of("mqtt.intake", "in-process",
            "store.ack-interval", "PT0.1S"));

    private static Measurement reading(KioskId kiosk, long seq) {
        return new Measurement(kiosk, seq, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, 36.5,
                UcumUnit.CELSIUS, Instant.parse("2026-12-06T10:00:00Z").plusSeconds(seq));
    }

    private static MqttMessage qos1(Object message) {
        MqttMessage m = new MqttMessage(TwoIntakeConnectionsOrderTest.CBOR.encode(message));
        m.setQos(1);
        return m;
    }

    private static int reasonCode(IMqttToken token) {
        int[] codes = token.getReasonCodes();
        return codes == null || codes.length == 0 ? 0 : codes[0];
    }

    /** A kiosk's connection as the agent makes it; {@code ask}: with the CONNECT's user property. */
    private static Connected connect(KioskId kiosk, SSLContext tls, boolean ask) throws Exception {
        MqttAsyncClient client = new MqttAsyncClient(BROKER.broker().mqttUri().toString(), kiosk.value(),
                new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setSocketFactory(tls.getSocketFactory());
        options.setHttpsHostnameVerificationEnabled(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        if (ask) {
            options.setUserProperties(new ArrayList<>(List.of(
                    new UserProperty(AckNegotiation.NAME, AckNegotiation.PUBACK))));
        }
        IMqttToken token = client.connect(options);
        token.waitForCompletion(30_000);
        MqttProperties connack = token.getResponseProperties();
        boolean granted = connack != null && connack.getUserProperties() != null && connack.getUserProperties()
                .stream().anyMatch(p -> AckNegotiation.isPubackAck(p.getKey(), p.getValue()));
        List<StoreAck> acks = new CopyOnWriteArrayList<>();
        client.subscribe(new MqttSubscription[] {new MqttSubscription(Topics.acks(kiosk), 1)},
                null, null, new IMqttMessageListener[] {(topic, message) -> acks.add((StoreAck)
                        TwoIntakeConnectionsOrderTest.CBOR.decode(message.getPayload(), KioskDownlink.class))},
                new MqttProperties()).waitForCompletion(30_000);
        return new Connected(client, granted, acks);
    }

    private record Connected(MqttAsyncClient client, boolean granted, List<StoreAck> acks) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            client.disconnect().waitForCompletion(10_000);
            client.close();
        }
    }

    @Test
    void aKioskThatAsksIsGrantedItsPubackComesAfterTheCommitARefusalIs0x99AndItsReadingsGetNoStoreAck()
            throws Exception {
        KioskId id = KioskId.of("puback-asks");
        InProcessIntake intake = BROKER.broker().inProcessIntake().orElseThrow();
        TestKiosk kiosk = TestKiosk.enroll(BROKER, id);
        try (Connected c = connect(id, kiosk.tls(), true)) {
            assertTrue(c.granted(), "CONNACK carries telekiosk-ack=puback");
            assertTrue(intake.pubackAcks().acknowledgesByPuback(id));

            // Its status forces a store-ack, as for every kiosk (its heldFrom, and the retained one kept current).
            c.client().publish(Topics.status(id), qos1(new KioskStatus(id, Instant.now(),
                    List.of(new SensorHealth(SensorId.of("mlx90614"), SensorState.PRESENT, "")), 0, 0, "", 0)))
                    .waitForCompletion(WAIT.toMillis());
            await("the status's store-ack").atMost(WAIT).until(() -> !c.acks().isEmpty());

            // Acknowledge-after-commit holds on this path too: the store's writer held, no PUBACK. The hold starts
            // right after another kiosk's commit, before its PUBACK (HiveMQ would hold our kiosk's next publish behind
            // its own unanswered one).
            KioskId trigger = KioskId.of("puback-trigger");
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicBoolean holdOnce = new AtomicBoolean(true);
            try (Connected t = connect(trigger, TestKiosk.enroll(BROKER, trigger).tls(), false)) {
                BROKER.broker().store().observeLag(lag -> {
                    if (holdOnce.compareAndSet(true, false)) {
                        holding.countDown();
                        try {
                            release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
                IMqttToken first = t.client().publish(Topics.measurements(trigger), qos1(reading(trigger, 1)));
                assertTrue(holding.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the trigger's reading was committed");
                long taken = intake.takenCount();
                IMqttToken held = c.client().publish(Topics.measurements(id), qos1(reading(id, 1)));
                await("our reading handed to the intake").atMost(WAIT).until(() -> intake.takenCount() > taken);
                assertEquals(0L, BROKER.broker().store().count(id).join(), "not committed while the writer is held");
                assertFalse(held.isComplete(), "no PUBACK before the commit");
                release.countDown();
                held.waitForCompletion(WAIT.toMillis());
                first.waitForCompletion(WAIT.toMillis());
                assertEquals(0, reasonCode(held));
                assertEquals(0, reasonCode(first));
                assertEquals(1L, BROKER.broker().store().count(id).join(), "PUBACK 0x00: stored");
            } finally {
                release.countDown();
                BROKER.broker().store().observeLag(CommitLag.NONE);
            }
            IMqttToken second = c.client().publish(Topics.measurements(id), qos1(reading(id, 2)));
            second.waitForCompletion(WAIT.toMillis());
            assertEquals(0, reasonCode(second));

            // A refused reading: 0x99 "payload format invalid" with the reason; kept aside under its number.
            long refusedBefore = intake.refusedByPubackCount();
            IMqttToken refused = c.client().publish(Topics.measurements(id),
                    qos1(Map.of("type", "measurement", "seq", 3, "kiosk", id.value())));
            refused.waitForCompletion(WAIT.toMillis());
            assertEquals(0x99, reasonCode(refused));
            assertTrue(refused.getResponseProperties().getReasonString().startsWith("invalid-field")
                            || refused.getResponseProperties().getReasonString().startsWith("not-decodable"),
                    refused.getResponseProperties().getReasonString());
            assertEquals(refusedBefore + 1, intake.refusedByPubackCount());
            assertEquals(List.of(3L), BROKER.broker().store().progress(id, 0, StoreAck.MAX_REFUSED).get().refused());

            // A duplicate: 0x00 again (it is stored).
            IMqttToken again = c.client().publish(Topics.measurements(id), qos1(reading(id, 2)));
            again.waitForCompletion(WAIT.toMillis());
            assertEquals(0, reasonCode(again));

            // None of that brought a store-ack (several flushes of 0.1 s pass while a last reading is committed).
            int acksBefore = c.acks().size();
            for (long seq = 4; seq <= 20; seq++) {
                c.client().publish(Topics.measurements(id), qos1(reading(id, seq))).waitForCompletion(WAIT.toMillis());
            }
            assertEquals(19L, BROKER.broker().store().count(id).join(), "1, 2 and 4..20 stored");
            // A kiosk that did not ask, whose readings come after ours: two store-acks of it mean two flushes ran
            // after our last commit, which would have published ours too.
            KioskId other = KioskId.of("puback-witness");
            try (Connected w = connect(other, TestKiosk.enroll(BROKER, other).tls(), false)) {
                for (long seq = 1; seq <= 2; seq++) {
                    long through = seq;
                    w.client().publish(Topics.measurements(other), qos1(reading(other, seq)))
                            .waitForCompletion(WAIT.toMillis());
                    await("the witness's store-ack " + seq).atMost(WAIT)
                            .until(() -> w.acks().stream().anyMatch(a -> a.storedThrough() == through));
                }
            }
            assertEquals(acksBefore, c.acks().size(), "no store-ack after the readings: " + c.acks());
        }
        // The connection ended: the kiosk's current store-ack is published (retained) for its next connection.
        await("no longer negotiated").atMost(WAIT).until(() -> !intake.pubackAcks().acknowledgesByPuback(id));
        try (Connected back = connect(id, kiosk.tls(), false)) {
            assertFalse(back.granted(), "not asked, not granted");
            await("the retained store-ack covers what was stored").atMost(WAIT)
                    .until(() -> back.acks().stream().anyMatch(a -> a.storedThrough() == 20
                            && a.refused().equals(List.of(3L))));
        }
    }

    @Test
    void aKioskThatDoesNotAskGetsNoGrantARefusal0x00AndStoreAcksAfterItsReadings() throws Exception {
        KioskId id = KioskId.of("puback-old-agent");
        try (Connected c = connect(id, TestKiosk.enroll(BROKER, id).tls(), false)) {
            assertFalse(c.granted());
            assertFalse(BROKER.broker().inProcessIntake().orElseThrow().pubackAcks().acknowledgesByPuback(id));
            IMqttToken refused = c.client().publish(Topics.measurements(id),
                    qos1(Map.of("type", "measurement", "seq", 1, "kiosk", id.value())));
            refused.waitForCompletion(WAIT.toMillis());
            assertEquals(0, reasonCode(refused), "refused, but only the store-ack says so");
            c.client().publish(Topics.measurements(id), qos1(reading(id, 2))).waitForCompletion(WAIT.toMillis());
            await("a store-ack after the readings").atMost(WAIT)
                    .until(() -> c.acks().contains(new StoreAck(id, 2, List.of(1L))));
        }
    }
}
