package org.telekiosk.broker.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.config.BrokerConfigLoader;
import org.telekiosk.broker.enrollment.Issued;
import org.telekiosk.broker.testing.MqttTestClient;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.enrollment.EnrollmentRequest;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.topic.Topics;
import org.telekiosk.broker.testing.HiveMqNettyStop;

/**
 * What the embedded HiveMQ keeps across a clean restart of the node, on one data directory: readings a kiosk published
 * (QoS 1, PUBACKed by HiveMQ) while the node's intake connection was away wait in the shared subscription's queue in
 * HiveMQ's file persistence, with the intake's session (stable client id, Clean Start 0), and reach the store after
 * the restart. A SIGKILL is another matter (HiveMQ CE lost acknowledged messages then; the kiosk's outbox covers it:
 * docs/reliability.md, {@code BrokerKillSystemTest}).
 */
class QueuedReadingsRestartTest {
    static final int READINGS = 200;
    static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
    static final Instant FROM = Instant.parse("2000-01-01T00:00:00Z");
    static final Instant TO = Instant.parse("2100-01-01T00:00:00Z");

    @TempDir
    Path data;

    Broker start() throws Exception {
        Broker broker = Broker.start(BrokerConfigLoader.load(Optional.empty(), Map.of("data.dir", data.toString(),
                "https.bind", "127.0.0.1", "https.port", "0", "mqtt.bind", "127.0.0.1", "mqtt.port", "0",
                "metrics.port", "0", "mqtt.intake-connections", "1",
                // HiveMQ queues for an away intake connection only on the shared subscription's path.
                "mqtt.intake", "subscription")), Clock.systemUTC(), Map.of());
        HiveMqNettyStop.apply(broker);
        await("subscribed").atMost(Duration.ofSeconds(60)).until(broker::isReady);
        return broker;
    }

    static TestKiosk enroll(Broker broker, KioskId id) throws Exception {
        var keys = TestKiosk.p256();
        String token = broker.enrollment().createToken(id, "Test " + id, AuditActor.system()).line();
        var issued = assertInstanceOf(Issued.class, broker.enrollment().enroll(new EnrollmentRequest(token,
                TestKiosk.csr(keys, "CN=" + id.value() + ",O=Telekiosk", "SHA256withECDSA")), AuditActor.system()))
                .response();
        return new TestKiosk(id, keys, TestKiosk.certificates(issued.certificateChain()),
                TestKiosk.certificates(issued.caCertificate()).getFirst());
    }

    @Test
    void readingsQueuedForTheAwayIntakeReachTheStoreAfterACleanRestart() throws Exception {
        KioskId id = KioskId.of("queued-restart-1");
        Instant taken = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        try (Broker first = start()) {
            TestKiosk kiosk = enroll(first, id);
            long acceptedBefore = first.intake().acceptedCount();
            // The intake goes away: a normal DISCONNECT, its session (and shared subscription) kept by HiveMQ.
            first.subscriber().close();
            MqttClient client = MqttTestClient.connect(first.mqttUri().toString(), id.value(), kiosk.tls());
            for (int seq = 1; seq <= READINGS; seq++) {
                MqttMessage message = new MqttMessage(CBOR.encode(new Measurement(id, seq, SensorId.of("mlx90614"),
                        LoincCode.BODY_TEMPERATURE, 36.5, UcumUnit.CELSIUS, taken.plusMillis(seq))));
                message.setQos(1);
                client.publish(Topics.measurements(id), message); // returns on HiveMQ's PUBACK
            }
            client.disconnect();
            client.close();
            assertEquals(acceptedBefore, first.intake().acceptedCount(), "nothing reached the away intake");
            assertEquals(0, first.store().measurements(id, FROM, TO).join().size());
            assertEquals(0, first.mqtt().droppedMessages());
        }

        try (Broker second = start()) {
            await("the queued readings stored").atMost(Duration.ofSeconds(60))
                    .until(() -> second.store().measurements(id, FROM, TO).join().size() == READINGS);
            assertEquals(0, second.mqtt().droppedMessages());
        }
    }
}
