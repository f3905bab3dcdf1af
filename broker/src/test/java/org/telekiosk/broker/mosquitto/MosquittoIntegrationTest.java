package org.telekiosk.broker.mosquitto;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.InMemoryAuditLog;
import org.telekiosk.broker.enrollment.EnrollmentService;
import org.telekiosk.broker.enrollment.EnrollmentSettings;
import org.telekiosk.broker.enrollment.Issued;
import org.telekiosk.broker.kiosk.KioskRegistry;
import org.telekiosk.broker.kiosk.Revocations;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.pki.CaPin;
import org.telekiosk.broker.pki.Certificates;
import org.telekiosk.broker.pki.KeystorePassword;
import org.telekiosk.broker.server.FreePort;
import org.telekiosk.broker.testing.MosquittoProcess;
import org.telekiosk.broker.testing.MqttTestClient;
import org.telekiosk.broker.testing.RequiredPrograms;
import org.telekiosk.broker.testing.RequiredPrograms.Program;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.enrollment.EnrollmentRequest;
import org.telekiosk.protocol.topic.Topics;

/**
 * The generated configuration against a real Mosquitto (Debian's 2.0, started by the test on a free port): an
 * enrolled kiosk publishes and the broker's service identity receives it; a certificate from another CA is refused;
 * a revoked kiosk is refused once the CRL is updated and Mosquitto restarted.
 */
@RequiredPrograms(Program.MOSQUITTO)
class MosquittoIntegrationTest {
    static final Path MOSQUITTO = Program.MOSQUITTO.path();
    static final KioskId KIOSK = KioskId.of("mosq-kiosk-a");

    @TempDir
    Path dir;

    final SecureRandom random = new SecureRandom();
    BrokerPki pki;
    KioskRegistry registry;
    Revocations revocations;
    EnrollmentService enrollment;
    MosquittoProcess mosquitto;
    int port;
    Path conf;

    @BeforeEach
    void setUp() throws Exception {
        Clock clock = Clock.systemUTC();
        pki = BrokerPki.open(dir.resolve("pki"), KeystorePassword.resolve("pw", dir.resolve("pw"), random),
                List.of("localhost"), new Certificates(random), clock);
        registry = org.telekiosk.broker.testing.TestRegistry.open(dir);
        revocations = new Revocations(registry, pki.issuing(), pki.crlFile(), clock, kiosk -> { });
        enrollment = new EnrollmentService(registry, pki.issuing(), CaPin.of(pki.caCertificate()),
                new InMemoryAuditLog(), clock, random, new EnrollmentSettings(Duration.ofHours(24), Duration.ofDays(30),
                "ssl://localhost:0", "https://localhost:0/api/v1/renew"), revocations::publish);
        revocations.publish();
        port = FreePort.pick("127.0.0.1");
        conf = MosquittoConfig.write(pki, dir.resolve("mosquitto"), new MosquittoConfig.Listener(List.of("localhost"),
                "127.0.0.1", port, System.getProperty("user.name")), clock.instant());
        startMosquitto();
    }

    void startMosquitto() throws IOException {
        mosquitto = MosquittoProcess.start(conf, port, dir.resolve("mosquitto.log"));
    }

    void stopMosquitto() throws InterruptedException {
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        stopMosquitto();
    }

    TestKiosk enroll(KioskId kiosk) throws Exception {
        String token = enrollment.createToken(kiosk, "Mosquitto test", AuditActor.system()).line();
        KeyPair keys = TestKiosk.p256();
        Issued issued = assertInstanceOf(Issued.class, enrollment.enroll(new EnrollmentRequest(token,
                TestKiosk.csr(keys, "CN=" + kiosk.value(), "SHA256withECDSA")), AuditActor.system()));
        return new TestKiosk(kiosk, keys, TestKiosk.certificates(issued.response().certificateChain()),
                pki.caCertificate());
    }

    String uri() {
        return "ssl://localhost:" + port;
    }

    MqttClient connect(TestKiosk kiosk) throws Exception {
        return MqttTestClient.connect(uri(), kiosk.id().value(), kiosk.tls());
    }

    MqttClient brokerNode() throws Exception {
        var service = pki.serviceIdentity();
        List<X509Certificate> chain = java.util.Arrays.stream(service.getCertificateChain())
                .map(X509Certificate.class::cast).toList();
        return MqttTestClient.connect(uri(), "telekiosk-broker-test",
                TestKiosk.tls(new KeyPair(chain.getFirst().getPublicKey(), service.getPrivateKey()), chain,
                        pki.caCertificate()));
    }

    @Test
    void mosquittoAnnouncesTheMaximumPacketSizeAndEndsTheConnectionOfAKioskThatExceedsIt() throws Exception {
        TestKiosk kiosk = enroll(KioskId.of("mosq-huge"));
        int limit = org.telekiosk.broker.mqtt.MqttPacketLimit.forPayload(65536);
        try (org.telekiosk.broker.testing.RawMqtt client = org.telekiosk.broker.testing.RawMqtt.connect("localhost",
                port, kiosk.tls(), kiosk.id().value())) {
            assertEquals(limit, client.maximumPacketSize());
            client.publishHeader(Topics.measurements(kiosk.id()), 200 << 20);
            try {
                client.write(new byte[limit]);
            } catch (java.io.IOException closedWhileWriting) {
                // The server may end the connection before the bytes are written: that is the point.
            }
            int reason = client.awaitDisconnectReason();
            // Mosquitto 2.0 closes the connection; where it sends a DISCONNECT first, its reason is 0x95.
            assertTrue(reason == -1 || reason == 0x95, "reason " + reason);
        }
        MqttClient again = connect(kiosk);
        assertTrue(again.isConnected(), "Mosquitto is still serving");
        again.disconnect();
        again.close();
    }

    @Test
    void aKioskReadsTheStoreAcknowledgementsOnItsOwnDownlinkAndNotAnotherKiosks() throws Exception {
        TestKiosk kiosk = enroll(KIOSK);
        TestKiosk other = enroll(KioskId.of("mosq-kiosk-c"));
        BlockingQueue<String> ownReceived = new ArrayBlockingQueue<>(10);
        BlockingQueue<String> otherReceived = new ArrayBlockingQueue<>(10);
        MqttClient own = connect(kiosk);
        own.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {
                new org.eclipse.paho.mqttv5.common.MqttSubscription(Topics.downlink(KIOSK), 1)},
                new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(topic, m) -> ownReceived.add(topic)});
        MqttClient snooper = connect(other);
        try {
            // Mosquitto grants the subscription and silently delivers nothing the ACL denies.
            snooper.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {
                    new org.eclipse.paho.mqttv5.common.MqttSubscription(Topics.downlink(KIOSK), 1)},
                    new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(topic, m) -> otherReceived.add(topic)});
        } catch (MqttException refused) {
            // Refused outright: as good.
        }
        MqttClient node = brokerNode();
        MqttMessage ack = new MqttMessage("ack".getBytes(StandardCharsets.US_ASCII));
        ack.setQos(0);
        ack.setRetained(true);
        node.publish(Topics.acks(KIOSK), ack);
        assertEquals(Topics.acks(KIOSK), ownReceived.poll(10, TimeUnit.SECONDS));
        // A second message to the kiosk's own topic arrives after the first: had the snooper got the first, it
        // would be there by now.
        node.publish(Topics.commands(KIOSK), new MqttMessage("c".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Topics.commands(KIOSK), ownReceived.poll(10, TimeUnit.SECONDS));
        assertEquals(null, otherReceived.poll(), "another kiosk never reads this kiosk's downlink");
        for (MqttClient c : List.of(own, snooper, node)) {
            if (c.isConnected()) {
                c.disconnect();
            }
            c.close();
        }
    }

    /** Connects as {@code clientId} with {@code tls}; Clean Start as given, a day's session expiry without it. */
    org.eclipse.paho.mqttv5.client.IMqttToken connectWith(MqttClient client, javax.net.ssl.SSLContext tls,
            boolean cleanStart) throws MqttException {
        org.eclipse.paho.mqttv5.client.MqttConnectionOptions options =
                new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
        options.setSocketFactory(tls.getSocketFactory());
        options.setHttpsHostnameVerificationEnabled(true);
        options.setAutomaticReconnect(false);
        options.setCleanStart(cleanStart);
        options.setSessionExpiryInterval(cleanStart ? 0L : 86_400L);
        return client.connectWithResult(options);
    }

    javax.net.ssl.SSLContext serviceTls() throws Exception {
        var service = pki.serviceIdentity();
        List<X509Certificate> chain = java.util.Arrays.stream(service.getCertificateChain())
                .map(X509Certificate.class::cast).toList();
        return TestKiosk.tls(new KeyPair(chain.getFirst().getPublicKey(), service.getPrivateKey()), chain,
                pki.caCertificate());
    }

    @Test
    void theRetainedStoreAckSurvivesARestartAndTheDocumentedRevocationCleanUpRemovesItAndTheSession()
            throws Exception {
        TestKiosk kiosk = enroll(KIOSK);
        MqttClient own = new MqttClient(uri(), KIOSK.value(), new org.eclipse.paho.mqttv5.client.persist
                .MemoryPersistence());
        var connack = connectWith(own, kiosk.tls(), false);
        assertEquals(Boolean.TRUE, connack.getResponseProperties() == null ? Boolean.TRUE
                : java.util.Objects.requireNonNullElse(connack.getResponseProperties().isRetainAvailable(), true),
                "CONNACK Retain Available (absent means 1, MQTT 5 §3.2.2.3.5)");
        own.subscribe(Topics.downlink(KIOSK), 1);
        own.disconnect();
        MqttClient node = brokerNode();
        MqttMessage ack = new MqttMessage("ack".getBytes(StandardCharsets.US_ASCII));
        ack.setQos(0);
        ack.setRetained(true);
        node.publish(Topics.acks(KIOSK), ack);
        node.disconnect();
        node.close();

        // A clean stop saves the persistence file; the retained acknowledgement and the session come back with it.
        stopMosquitto();
        startMosquitto();
        BlockingQueue<MqttMessage> received = new ArrayBlockingQueue<>(10);
        own.setCallback(null);
        assertEquals(true, connectWith(own, kiosk.tls(), false).getSessionPresent());
        own.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {
                new org.eclipse.paho.mqttv5.common.MqttSubscription(Topics.downlink(KIOSK), 1)},
                new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(topic, m) -> received.add(m)});
        MqttMessage retained = received.poll(10, TimeUnit.SECONDS);
        assertEquals("ack", retained == null ? null : new String(retained.getPayload(), StandardCharsets.US_ASCII));
        assertEquals(true, retained.isRetained());
        own.disconnect();

        // docs/provisioning.md, revocation with Mosquitto: the service identity, with the kiosk's client id and Clean
        // Start 1, takes over and ends the kiosk's session, and an empty retained message removes the acknowledgement.
        MqttClient cleaner = new MqttClient(uri(), KIOSK.value(), new org.eclipse.paho.mqttv5.client.persist
                .MemoryPersistence());
        connectWith(cleaner, serviceTls(), true);
        MqttMessage empty = new MqttMessage(new byte[0]);
        empty.setQos(1);
        empty.setRetained(true);
        cleaner.publish(Topics.acks(KIOSK), empty);
        cleaner.disconnect();
        cleaner.close();

        received.clear();
        assertEquals(false, connectWith(own, kiosk.tls(), false).getSessionPresent(), "Session Present after clean-up");
        own.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {
                new org.eclipse.paho.mqttv5.common.MqttSubscription(Topics.downlink(KIOSK), 1)},
                new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(topic, m) -> received.add(m)});
        MqttClient later = brokerNode();
        later.publish(Topics.commands(KIOSK), new MqttMessage("c".getBytes(StandardCharsets.US_ASCII)));
        MqttMessage first = received.poll(10, TimeUnit.SECONDS);
        assertEquals("c", first == null ? null : new String(first.getPayload(), StandardCharsets.US_ASCII),
                "the first message after the clean-up is a new one, not the old retained acknowledgement");
        for (MqttClient c : List.of(own, later)) {
            if (c.isConnected()) {
                c.disconnect();
            }
            c.close();
        }
    }

    @Test
    void anEnrolledKioskPublishesAndTheBrokersServiceIdentityReceivesIt() throws Exception {
        TestKiosk kiosk = enroll(KIOSK);
        MqttClient node = brokerNode();
        BlockingQueue<byte[]> received = new ArrayBlockingQueue<>(10);
        node.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {
                new org.eclipse.paho.mqttv5.common.MqttSubscription(Topics.allKioskChannels(), 1)},
                new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(topic, m) -> received.add(m.getPayload())});
        MqttClient client = connect(kiosk);
        MqttMessage message = new MqttMessage("reading".getBytes(StandardCharsets.US_ASCII));
        message.setQos(1);
        client.publish(Topics.measurements(KIOSK), message);
        assertArrayEquals("reading".getBytes(StandardCharsets.US_ASCII), received.poll(10, TimeUnit.SECONDS));

        MqttMessage forged = new MqttMessage("forged".getBytes(StandardCharsets.US_ASCII));
        forged.setQos(1);
        try {
            client.publish(Topics.measurements(KioskId.of("mosq-kiosk-b")), forged);
        } catch (MqttException refused) {
            // Refused with a reason code or a disconnect: either way nothing is delivered.
        }
        if (!client.isConnected()) {
            client.close(true);
            client = connect(kiosk);
        }
        MqttMessage second = new MqttMessage("second".getBytes(StandardCharsets.US_ASCII));
        second.setQos(1);
        client.publish(Topics.measurements(KIOSK), second);
        assertArrayEquals("second".getBytes(StandardCharsets.US_ASCII), received.poll(10, TimeUnit.SECONDS),
                "the forged message on another kiosk's topic was never delivered");
        client.disconnect();
        client.close();
        node.disconnect();
        node.close();
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() throws Exception {
        BrokerPki other = BrokerPki.open(dir.resolve("other"), KeystorePassword.resolve("pw2", dir.resolve("pw2"),
                random), List.of("localhost"), new Certificates(random), Clock.systemUTC());
        KeyPair keys = TestKiosk.p256();
        X509Certificate foreign = other.issuing().issueClient(keys.getPublic(), KIOSK.value(),
                java.time.Instant.now(), Duration.ofDays(30));
        var tls = TestKiosk.tls(keys, List.of(foreign, other.issuing().certificate()), pki.caCertificate());
        assertThrows(MqttException.class, () -> MqttTestClient.connect(uri(), KIOSK.value(), tls).close());
    }

    @Test
    void aRevokedKioskIsRefusedAfterTheCrlUpdate() throws Exception {
        TestKiosk kiosk = enroll(KIOSK);
        MqttClient before = connect(kiosk);
        before.disconnect();
        before.close();

        enrollment.revoke(KIOSK, AuditActor.system());
        MosquittoConfig.copyCrl(pki, conf.getParent());
        stopMosquitto();
        startMosquitto();
        assertThrows(MqttException.class, () -> connect(kiosk).close());
        TestKiosk other = enroll(KioskId.of("mosq-kiosk-c"));
        MosquittoConfig.copyCrl(pki, conf.getParent());
        MqttClient stillFine = connect(other);
        stillFine.disconnect();
        stillFine.close();
    }
}
