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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.mqtt.InProcessIntake;
import org.telekiosk.broker.store.CommitLag;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.MqttTestClient;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.broker.testing.ViewerClient;
import org.telekiosk.broker.viewer.VitalsOrder;
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
import org.telekiosk.protocol.topic.Topics;

/**
 * The in-process intake ({@code mqtt.intake=in-process}) on the real broker, with kiosks on Paho over mutual TLS: a
 * kiosk's PUBACK comes only after its reading is committed, a reading sent twice is stored once, a refused reading is
 * acknowledged and named in the store-ack as protocol/README.md documents, one kiosk's readings reach the doctor in
 * its order, and a status reaches the status board.
 */
class InProcessIntakeIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int COUNT = 300;
    /** As {@link TwoIntakeConnectionsOrderTest#WINDOW}: below the broker's receive maximum (64). */
    private static final int WINDOW = 30;

    /** A broker of its own: what reaches a kiosk and the store is what this class checks. */
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension(Map.of(
            "mqtt.intake", "in-process",
            // The order test's kiosk publishes far above a kiosk's quota, on purpose.
            "mqtt.kiosk-rate-per-second", "100000", "mqtt.kiosk-burst", "1000000"));

    private static Measurement reading(KioskId kiosk, long seq) {
        return new Measurement(kiosk, seq, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, 36.5,
                UcumUnit.CELSIUS, Instant.parse("2026-12-04T10:00:00Z").plusSeconds(seq));
    }

    private static MqttMessage qos1(byte[] payload) {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(1);
        return message;
    }

    /** The PUBACK's reason code (MQTT 5 §3.4.2.1) of a completed publish. */
    private static int reasonCode(IMqttToken token) {
        int[] codes = token.getReasonCodes();
        return codes == null || codes.length == 0 ? 0 : codes[0];
    }

    @Test
    void aKioskGetsItsPubackOnlyAfterTheCommitAndAReadingSentTwiceIsStoredOnce() throws Exception {
        InProcessIntake intake = BROKER.broker().inProcessIntake().orElseThrow();
        KioskId first = KioskId.of("inproc-hold-a");
        KioskId second = KioskId.of("inproc-hold-b");
        MqttAsyncClient a = MqttTestClient.connectAsync(BROKER, first.value(), TestKiosk.enroll(BROKER, first).tls());
        MqttAsyncClient b = MqttTestClient.connectAsync(BROKER, second.value(),
                TestKiosk.enroll(BROKER, second).tls());

        // Hold the store's one writer right after its next commit: the only seam into that thread is its commit-lag
        // observer (the metrics'), which this broker of its own can spare. Whatever comes next waits in its queue,
        // neither written nor committed, until the test lets go.
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean holdOnce = new AtomicBoolean(true);
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
        try {
            IMqttToken committedFirst = a.publish(Topics.measurements(first), qos1(cbor(reading(first, 1))));
            assertTrue(holding.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the first reading was committed");

            long taken = intake.takenCount();
            IMqttToken held = b.publish(Topics.measurements(second), qos1(cbor(reading(second, 1))));
            await("the second reading handed to the intake").atMost(WAIT).until(() -> intake.takenCount() > taken);
            // It is with the store's writer, which is held: not committed, so no PUBACK may have come.
            assertEquals(0L, BROKER.broker().store().count(second).join(), "not committed while the writer is held");
            assertFalse(held.isComplete(), "no PUBACK before the commit");

            release.countDown();
            held.waitForCompletion(WAIT.toMillis());
            assertEquals(0, reasonCode(held), "PUBACK 0x00 after the commit");
            assertEquals(1L, BROKER.broker().store().count(second).join());
            committedFirst.waitForCompletion(WAIT.toMillis());
            assertEquals(0, reasonCode(committedFirst));
        } finally {
            release.countDown();
            BROKER.broker().store().observeLag(CommitLag.NONE);
        }

        // Sent again (the kiosk missed the PUBACK, say): acknowledged again, stored once.
        long duplicates = BROKER.broker().store().counters().duplicates();
        IMqttToken again = b.publish(Topics.measurements(second), qos1(cbor(reading(second, 1))));
        again.waitForCompletion(WAIT.toMillis());
        assertEquals(0, reasonCode(again));
        assertEquals(1L, BROKER.broker().store().count(second).join());
        assertEquals(duplicates + 1, BROKER.broker().store().counters().duplicates());
        for (MqttAsyncClient client : List.of(a, b)) {
            client.disconnect().waitForCompletion(10_000);
            client.close();
        }
    }

    @Test
    void aRefusedReadingIsAcknowledgedOnceKeptAndNamedInTheStoreAck() throws Exception {
        KioskId id = KioskId.of("inproc-refused");
        TestKiosk kiosk = TestKiosk.enroll(BROKER, id);
        MqttClient client = MqttTestClient.connect(BROKER, id.value(), kiosk.tls());
        List<StoreAck> acks = new CopyOnWriteArrayList<>();
        client.subscribe(new MqttSubscription[] {new MqttSubscription(Topics.acks(id), 1)},
                new IMqttMessageListener[] {(topic, message) -> acks.add((StoreAck) TwoIntakeConnectionsOrderTest.CBOR
                        .decode(message.getPayload(), KioskDownlink.class))});
        // The synchronous client throws on a PUBACK of 0x80 or more: each of these must come back 0x00.
        client.publish(Topics.measurements(id), qos1(cbor(reading(id, 1))));
        client.publish(Topics.measurements(id), qos1(TwoIntakeConnectionsOrderTest.CBOR.encode(
                Map.of("type", "measurement", "seq", 2, "kiosk", id.value()))));
        client.publish(Topics.measurements(id), qos1(cbor(reading(id, 3))));

        await("a store-ack through 3 naming 2 as refused").atMost(WAIT)
                .until(() -> acks.contains(new StoreAck(id, 3, List.of(2L))));
        assertEquals(2L, BROKER.broker().store().count(id).join());
        client.disconnect();
        client.close();
    }

    @Test
    void oneKiosksReadingsReachTheDoctorInItsOrderStoredOnceAndItsStatusReachesTheBoard() throws Exception {
        KioskId id = KioskId.of("inproc-order");
        VitalsOrder order = BROKER.broker().viewers().order().orElseThrow();
        long droppedBefore = order.lateDroppedCount();
        long skippedBefore = BROKER.broker().viewers().skippedCount();
        TestKiosk kiosk = TestKiosk.enroll(BROKER, id);
        try (ViewerClient viewer = ViewerClient.doctorWatching(BROKER, id)) {
            MqttAsyncClient mqtt = MqttTestClient.connectAsync(BROKER, id.value(), kiosk.tls());
            IMqttToken status = mqtt.publish(Topics.status(id), qos1(cbor(new KioskStatus(id, Instant.now(),
                    List.of(new SensorHealth(SensorId.of("mlx90614"), SensorState.PRESENT, "")), 0, 0, "", 0))));
            List<IMqttToken> inFlight = new ArrayList<>();
            for (long seq = 1; seq <= COUNT; seq++) {
                inFlight.add(mqtt.publish(Topics.measurements(id),
                        qos1(cbor(TwoIntakeConnectionsOrderTest.numbered(id, seq)))));
                if (inFlight.size() == WINDOW) {
                    for (IMqttToken token : inFlight) {
                        token.waitForCompletion(WAIT.toMillis());
                        assertEquals(0, reasonCode(token));
                    }
                    inFlight.clear();
                }
            }
            for (IMqttToken token : inFlight) {
                token.waitForCompletion(WAIT.toMillis());
                assertEquals(0, reasonCode(token));
            }
            // Every PUBACK came after its commit: all are stored now, without waiting.
            assertEquals(COUNT, BROKER.broker().store().count(id).join());
            status.waitForCompletion(WAIT.toMillis());
            assertTrue(BROKER.broker().statuses().latest(id).isPresent(), "the status reached the status board");

            var hub = BROKER.broker().viewers();
            List<Long> shown = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (shown.size() + (order.lateDroppedCount() - droppedBefore) + (hub.skippedCount() - skippedBefore)
                    < COUNT) {
                TwoIntakeConnectionsOrderTest.seqOf(viewer.next(Duration.ofNanos(Math.max(1,
                        deadline - System.nanoTime()))), id).ifPresent(shown::add);
            }
            for (int i = 1; i < shown.size(); i++) {
                assertTrue(shown.get(i) > shown.get(i - 1),
                        "shown out of order at " + i + ": " + shown.subList(Math.max(0, i - 5), i + 1));
            }
            mqtt.disconnect().waitForCompletion(10_000);
            mqtt.close();
        }
    }

    /**
     * What the in-process intake leaves alone goes on to the authorizer and the default permissions, refused as
     * without it (MqttAuthenticator: QoS 1, not retained): a reading on the kiosk's own topic but retained is answered
     * PUBACK 0x87 (MQTT 5 §3.4.2.1), one at QoS 0 is dropped, and HiveMQ ends each connection with DISCONNECT 0x87;
     * neither is taken or stored. The kiosk's proper reading on a new connection is.
     */
    @Test
    void aRetainedReadingOrOneAtQos0OnTheKiosksOwnTopicIsRefusedAsWithoutTheIntakeAndAProperOneIsTaken()
            throws Exception {
        KioskId id = KioskId.of("inproc-perms");
        TestKiosk kiosk = TestKiosk.enroll(BROKER, id);
        InProcessIntake intake = BROKER.broker().inProcessIntake().orElseThrow();
        long taken = intake.takenCount();

        MqttAsyncClient retaining = MqttTestClient.connectAsync(BROKER, id.value(), kiosk.tls());
        CompletableFuture<MqttDisconnectResponse> retainingLost = MqttTestClient.disconnectOf(retaining);
        MqttMessage retained = qos1(cbor(reading(id, 1)));
        retained.setRetained(true);
        IMqttToken refused = retaining.publish(Topics.measurements(id), retained);
        refused.waitForCompletion(WAIT.toMillis());
        assertEquals(0x87, reasonCode(refused), "PUBACK 0x87 not authorized");
        assertEquals(0x87, retainingLost.get(WAIT.toSeconds(), TimeUnit.SECONDS).getReturnCode());
        retaining.close(true);

        MqttAsyncClient atMostOnce = MqttTestClient.connectAsync(BROKER, id.value(), kiosk.tls());
        CompletableFuture<MqttDisconnectResponse> atMostOnceLost = MqttTestClient.disconnectOf(atMostOnce);
        MqttMessage qos0 = new MqttMessage(cbor(reading(id, 2)));
        qos0.setQos(0);
        atMostOnce.publish(Topics.measurements(id), qos0);
        assertEquals(0x87, atMostOnceLost.get(WAIT.toSeconds(), TimeUnit.SECONDS).getReturnCode());
        atMostOnce.close(true);

        assertEquals(taken, intake.takenCount(), "neither was taken by the intake");
        assertEquals(0L, BROKER.broker().store().count(id).join(), "nor stored");

        MqttAsyncClient proper = MqttTestClient.connectAsync(BROKER, id.value(), kiosk.tls());
        IMqttToken stored = proper.publish(Topics.measurements(id), qos1(cbor(reading(id, 3))));
        stored.waitForCompletion(WAIT.toMillis());
        assertEquals(0, reasonCode(stored), "PUBACK 0x00 after the commit");
        assertEquals(1L, BROKER.broker().store().count(id).join());
        assertEquals(taken + 1, intake.takenCount());
        proper.disconnect().waitForCompletion(10_000);
        proper.close();
    }

    private static byte[] cbor(Object message) {
        return TwoIntakeConnectionsOrderTest.CBOR.encode(message);
    }
}
