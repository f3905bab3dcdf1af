package org.telekiosk.broker.telemetry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.downlink.KioskDownlink;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.topic.Topics;

/**
 * The store acknowledgement on the real embedded HiveMQ: retained, as protocol/README.md promises (CONNACK Retain
 * Available 1, delivered to a fresh subscription before the kiosk sends anything), and gone with its kiosk's MQTT
 * session when the kiosk is revoked (a kiosk enrolled again under the same id starts with no session and hears no
 * acknowledgement of its former enrollment).
 */
class RetainedStoreAckIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);

    /** A broker of its own: what HiveMQ delivers is what this class checks ({@link BrokerExtension#shared()}). */
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    /** One MQTT connection as a kiosk, with what its CONNACK said and every message on its acks topic. */
    private record Connection(MqttClient client, IMqttToken connack, BlockingQueue<MqttMessage> acks) {
        static Connection open(TestKiosk kiosk, boolean cleanStart) throws Exception {
            MqttClient client = new MqttClient(BROKER.broker().mqttUri().toString(), kiosk.id().value(),
                    new MemoryPersistence());
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setSocketFactory(kiosk.tls().getSocketFactory());
            options.setHttpsHostnameVerificationEnabled(true);
            options.setAutomaticReconnect(false);
            options.setConnectionTimeout(10);
            options.setCleanStart(cleanStart);
            options.setSessionExpiryInterval(cleanStart ? 0L : 86_400L);
            IMqttToken connack = client.connectWithResult(options);
            BlockingQueue<MqttMessage> acks = new LinkedBlockingQueue<>();
            client.subscribe(new MqttSubscription[] {new MqttSubscription(Topics.acks(kiosk.id()), 1)},
                    new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(topic, message) -> acks.add(message)});
            return new Connection(client, connack, acks);
        }

        StoreAck nextAck() throws Exception {
            MqttMessage message = acks.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (message == null) {
                throw new AssertionError("no store acknowledgement within " + WAIT);
            }
            return (StoreAck) CBOR.decode(message.getPayload(), KioskDownlink.class);
        }

        void publish(Measurement reading) throws Exception {
            MqttMessage message = new MqttMessage(CBOR.encode(reading));
            message.setQos(1);
            client.publish(Topics.measurements(reading.kiosk()), message);
        }

        void close() throws Exception {
            if (client.isConnected()) {
                client.disconnect();
            }
            client.close(true);
        }
    }

    private static Measurement reading(KioskId kiosk, long seq) {
        return new Measurement(kiosk, seq, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, 36.5,
                UcumUnit.CELSIUS, Instant.parse("2026-12-04T10:00:00Z").plusSeconds(seq));
    }

    @Test
    void theConnackSaysRetainAvailableAndAFreshSubscriptionGetsTheRetainedStoreAckBeforeSendingAnything()
            throws Exception {
        TestKiosk kiosk = TestKiosk.enroll(BROKER, KioskId.of("retain-a"));
        Connection first = Connection.open(kiosk, true);
        assertEquals(Boolean.TRUE, first.connack().getResponseProperties().isRetainAvailable(),
                "CONNACK Retain Available (MQTT 5 §3.2.2.3.5)");
        first.publish(reading(kiosk.id(), 1));
        first.publish(reading(kiosk.id(), 2));
        await().atMost(WAIT).until(() -> BROKER.broker().store().count(kiosk.id()).get() == 2);
        StoreAck live = first.nextAck();
        while (live.storedThrough() < 2) {
            live = first.nextAck();
        }
        first.close();

        // A new connection with no session: it subscribes and, without publishing anything, hears where it stands.
        Connection fresh = Connection.open(kiosk, true);
        MqttMessage retained = fresh.acks().poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        fresh.close();
        assertTrue(retained != null && retained.isRetained(), "a retained store acknowledgement, got " + retained);
        assertEquals(new StoreAck(kiosk.id(), 2), CBOR.decode(retained.getPayload(), KioskDownlink.class));
    }

    @Test
    void revocationRemovesTheKiosksSessionAndRetainedStoreAckSoThatItsNextEnrollmentHearsNothingOld()
            throws Exception {
        KioskId id = KioskId.of("retain-b");
        TestKiosk old = TestKiosk.enroll(BROKER, id);
        Connection before = Connection.open(old, false);
        before.publish(reading(id, 1));
        before.publish(reading(id, 2));
        StoreAck ack = before.nextAck();
        while (ack.storedThrough() < 2) {
            ack = before.nextAck();
        }
        // The session and the retained acknowledgement both exist now: a reconnect finds them.
        before.close();
        Connection again = Connection.open(old, false);
        assertTrue(again.connack().getSessionPresent(), "the kiosk's session is kept while it is enrolled");
        assertTrue(again.acks().poll(WAIT.toSeconds(), TimeUnit.SECONDS).isRetained());
        again.close();

        assertTrue(BROKER.broker().enrollment().revoke(id, new AuditActor("account:tech")));
        TestKiosk renewed = TestKiosk.enroll(BROKER, id);
        Connection after = Connection.open(renewed, false);
        assertFalse(after.connack().getSessionPresent(), "CONNACK Session Present after revocation");
        // The first acknowledgement it hears is one published for it now, not the retained one of its former
        // enrollment (retained messages come right after the SUBACK, before anything the kiosk's publish causes).
        after.publish(reading(id, 3));
        MqttMessage first = after.acks().poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        after.close();
        assertTrue(first != null && !first.isRetained(), "a live acknowledgement first, got "
                + (first == null ? "none" : "a retained one: "
                + CBOR.decode(first.getPayload(), KioskDownlink.class)));
    }
}
