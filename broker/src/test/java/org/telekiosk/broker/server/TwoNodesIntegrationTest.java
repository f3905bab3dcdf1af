package org.telekiosk.broker.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.BrokerMain;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.kiosk.RegistryCa;
import org.telekiosk.broker.pki.SecureFiles;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.HiveMqNettyStop;
import org.telekiosk.broker.testing.PostgresSchema;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.cli.ExitCodes;
import org.telekiosk.protocol.enrollment.KioskPageToken;

/**
 * Two broker nodes in this JVM on one PostgreSQL schema (free ports, each its own data directory and embedded MQTT
 * broker, node B with a copy of node A's {@code pki/}): the kiosk registry, enrollment tokens, revocations, the CRL
 * number, kiosk page tokens, online state and last seen are the same on both; a node with another CA is refused.
 * Skipped, with the reason, without a PostgreSQL at 127.0.0.1:5432.
 */
class TwoNodesIntegrationTest {
    /** What issue 17 promises for a revocation on one node to reach another's connections. */
    static final Duration PROMISED = Duration.ofSeconds(10);
    static final Duration WAIT = Duration.ofSeconds(30);
    static final PostgresSchema SCHEMA = new PostgresSchema();

    static Map<String, String> onSharedDatabase() {
        return Map.of("store.url", SCHEMA.url(), "store.user", PostgresSchema.USER);
    }

    @RegisterExtension
    @Order(1)
    static final BrokerExtension A = new BrokerExtension(onSharedDatabase())
            .preparing(dir -> SCHEMA.create())
            .afterStop(SCHEMA::drop);

    @RegisterExtension
    @Order(2)
    static final BrokerExtension B = new BrokerExtension(onSharedDatabase())
            .preparing(dir -> copyPki(A.dataDir(), dir));

    /** What an operator does for a second node: the first node's CA (and key store password), nothing else. */
    /**
     * Starts another node in this JVM, in a fresh data directory with {@code from}'s CA ({@link #copyPki}) and
     * {@code prepare} applied, on free ports of 127.0.0.1 with {@code overrides}; {@code cleanup} gets its close and
     * the directory's removal. Returns once its intake is subscribed.
     */
    static Broker startNode(Path from, BrokerExtension.DataDirStep prepare, Map<String, String> overrides,
            java.time.Clock clock, java.util.List<AutoCloseable> cleanup) throws Exception {
        Path dir = Files.createTempDirectory("telekiosk-node");
        copyPki(from, dir);
        prepare.apply(dir);
        Map<String, String> config = new java.util.HashMap<>(Map.of("data.dir", dir.toString(),
                "https.bind", "127.0.0.1", "https.port", "0", "mqtt.bind", "127.0.0.1", "mqtt.port", "0",
                "metrics.port", "0"));
        config.putAll(overrides);
        Broker broker = Broker.start(org.telekiosk.broker.config.BrokerConfigLoader.load(java.util.Optional.empty(),
                config), clock, Map.of());
        cleanup.add(() -> {
            broker.close();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        });
        HiveMqNettyStop.apply(broker); // as BrokerExtension's (a no-op with an external MQTT broker: nothing embedded)
        org.awaitility.Awaitility.await("the node subscribed").atMost(java.time.Duration.ofSeconds(30))
                .until(broker::isReady);
        return broker;
    }

    static void copyPki(Path from, Path to) throws Exception {
        Path target = SecureFiles.ownerOnlyDirectory(to.resolve("pki"));
        for (String name : new String[] {"ca.pem", "root-ca.p12", "issuing-ca.p12", "keystore.password"}) {
            Files.copy(from.resolve("pki").resolve(name), target.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    @Test
    void aKioskEnrolledThroughOneNodeWithTheOthersTokenIsKnownOnlineAndSeenOnBoth() throws Exception {
        KioskId id = KioskId.of("nodes-a");
        String token = A.broker().enrollment().createToken(id, "Lab A", AuditActor.system()).line();
        TestKiosk kiosk = TestKiosk.enroll(B, id, token); // the token made on A, redeemed on B
        await().atMost(WAIT).until(() -> A.broker().kiosks().state().kiosk(id).isPresent());
        Instant beforeConnect = Instant.now();
        MqttClient client = kiosk.connect(A); // A's MQTT broker checks against what B wrote
        await().atMost(WAIT).until(() -> B.broker().presence().online(id));
        assertTrue(A.broker().presence().online(id));
        await().atMost(WAIT).until(() -> B.broker().kiosks().lastSeen(id)
                .filter(seen -> !seen.isBefore(beforeConnect)).isPresent());
        client.disconnect();
        client.close();
        await().atMost(WAIT).until(() -> !B.broker().presence().online(id));
    }

    @Test
    void aRevocationOnOneNodeDropsTheKioskOnTheOtherWithinTenSecondsAndBothPublishOneCrl() throws Exception {
        KioskId id = KioskId.of("nodes-b");
        TestKiosk kiosk = TestKiosk.enroll(A, id);
        await().atMost(WAIT).until(() -> B.broker().kiosks().state().kiosk(id).isPresent());
        MqttClient client = kiosk.connect(B);
        assertTrue(client.isConnected());

        assertTrue(A.broker().enrollment().revoke(id, AuditActor.system()));
        long revokedAt = System.nanoTime();
        await().atMost(PROMISED).until(() -> !client.isConnected());
        System.out.printf("Revocation on node A dropped the kiosk's connection to node B after %d ms%n",
                (System.nanoTime() - revokedAt) / 1_000_000);
        MqttException refused = assertThrows(MqttException.class, () -> kiosk.connect(B));
        assertEquals(0x87, refused.getReasonCode());
        await().atMost(WAIT).until(() -> crl(B).getRevokedCertificate(kiosk.certificate().getSerialNumber()) != null);
        X509CRL onA = crl(A);
        X509CRL onB = crl(B);
        assertNotNull(onA.getRevokedCertificate(kiosk.certificate().getSerialNumber()));
        assertArrayEquals(onA.getExtensionValue("2.5.29.20"), onB.getExtensionValue("2.5.29.20"),
                "the same CRL number on both nodes");
        client.close(true);
    }

    @Test
    void aKioskPageTokenIssuedByOneNodeIsRedeemedOnceOnAnother() throws Exception {
        KioskId id = KioskId.of("nodes-c");
        TestKiosk kiosk = TestKiosk.enroll(A, id);
        KioskPageToken token = kiosk.pageToken(A);
        await().atMost(WAIT).until(() -> B.broker().kiosks().state().kiosk(id).isPresent());
        HttpResponse<String> onB = kioskSession(B, token.token());
        assertEquals(200, onB.statusCode(), onB.body());
        assertTrue(onB.body().contains("\"kiosk\":\"nodes-c\""), onB.body());
        HttpResponse<String> again = kioskSession(A, token.token());
        assertEquals(401, again.statusCode(), "single use across nodes: " + again.body());
    }

    @Test
    void aNodeWithAnotherCaThanTheSharedDatabaseRefusesToStartWithExitCode78(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("broker.properties");
        Files.writeString(config, String.join("\n",
                "data.dir=" + dir.resolve("data"), "store.url=" + SCHEMA.url(), "store.user=" + PostgresSchema.USER,
                "https.bind=127.0.0.1", "https.port=0", "mqtt.bind=127.0.0.1", "mqtt.port=0", "metrics.port=0", ""));
        StringWriter err = new StringWriter();
        int exit = assertTimeoutPreemptively(Duration.ofMinutes(3), () -> BrokerMain.commandLine()
                .setErr(new PrintWriter(err, true)).execute("serve", "--config", config.toString()));
        assertEquals(ExitCodes.CONFIG, exit, err.toString());
        assertTrue(err.toString().contains("is not the one the database's kiosk registry belongs to"), err.toString());
        assertTrue(err.toString().contains(RegistryCa.fingerprint(A.broker().pki().caCertificate())), err.toString());
        // Nothing changed: node A's CA is still the registry's, and a kiosk enrolls and connects as before.
        TestKiosk kiosk = TestKiosk.enroll(A, KioskId.of("nodes-d"));
        MqttClient client = kiosk.connect(A);
        assertTrue(client.isConnected());
        client.disconnect();
        client.close();
    }

    static HttpResponse<String> kioskSession(BrokerExtension node, String token) throws Exception {
        try (HttpClient http = HttpClient.newBuilder().sslContext(node.tls()).build()) {
            return http.send(HttpRequest.newBuilder(node.https("/api/v1/kiosk-session"))
                    .header("Content-Type", "application/json").header("Origin", node.origin())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    static X509CRL crl(BrokerExtension node) throws Exception {
        try (HttpClient http = HttpClient.newBuilder().sslContext(node.tls()).build()) {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(node.https("/pki/crl")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode());
            return (X509CRL) CertificateFactory.getInstance("X.509")
                    .generateCRL(new java.io.ByteArrayInputStream(response.body()));
        }
    }

}
