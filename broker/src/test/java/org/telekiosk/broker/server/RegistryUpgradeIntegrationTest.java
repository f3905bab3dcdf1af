package org.telekiosk.broker.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.enrollment.EnrollmentService;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.pki.Certificates;
import org.telekiosk.broker.pki.KeystorePassword;
import org.telekiosk.broker.pki.SecureFiles;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;

/**
 * An operator upgrades a broker whose kiosk registry is still the file {@code kiosks/registry.json} of earlier versions
 * (written here as those versions wrote it, for kiosks whose certificates the data directory's CA issued): the first
 * start imports it, and nothing is lost: the enrolled kiosk connects with its certificate, the revoked one stays
 * refused and on the CRL under the file's CRL number, an unused token still enrolls, and the file is kept aside.
 */
class RegistryUpgradeIntegrationTest {
    static final SecureRandom RANDOM = new SecureRandom();
    static final KioskId ENROLLED = KioskId.of("upgrade-a");
    static final KioskId REVOKED = KioskId.of("upgrade-b");
    static final byte[] TOKEN_SECRET = new byte[32];
    static TestKiosk enrolled;
    static TestKiosk revoked;

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension().preparing(RegistryUpgradeIntegrationTest::olderVersion);

    /** The data directory as the previous version left it: its CA, and the registry file. */
    static void olderVersion(Path data) throws Exception {
        Path pkiDir = data.resolve("pki");
        BrokerPki pki = BrokerPki.open(pkiDir, KeystorePassword.resolve(null, pkiDir.resolve("keystore.password"),
                RANDOM), List.of("localhost"), new Certificates(RANDOM), Clock.systemUTC());
        Instant now = Instant.now();
        enrolled = kiosk(pki, ENROLLED, now);
        revoked = kiosk(pki, REVOKED, now);
        RANDOM.nextBytes(TOKEN_SECRET);
        String notAfter = enrolled.certificate().getNotAfter().toInstant().toString();
        String json = """
                {
                  "kiosks" : [ {
                    "id" : "upgrade-a", "label" : "Lab A", "serial" : "%s", "notAfter" : "%s", "revokedAt" : null
                  }, {
                    "id" : "upgrade-b", "label" : "Lab B", "serial" : "%s", "notAfter" : "%s", "revokedAt" : "%s"
                  } ],
                  "tokens" : [ {
                    "secretHash" : "%s", "kiosk" : "upgrade-c", "label" : "Lab C", "createdBy" : "cli:tech",
                    "createdAt" : "%s", "expiresAt" : "%s", "usedAt" : null
                  } ],
                  "revokedSerials" : [ {
                    "serial" : "%s", "kiosk" : "upgrade-b", "at" : "%s", "notAfter" : "%s", "reason" : "revoked"
                  } ],
                  "crlNumber" : 41
                }
                """.formatted(serial(enrolled), notAfter, serial(revoked), notAfter, now, hash(TOKEN_SECRET), now,
                now.plus(Duration.ofDays(1)), serial(revoked), now, notAfter);
        Path kiosks = SecureFiles.ownerOnlyDirectory(data.resolve("kiosks"));
        SecureFiles.writeSecret(kiosks.resolve("registry.json"), json.getBytes(StandardCharsets.UTF_8));
    }

    static TestKiosk kiosk(BrokerPki pki, KioskId id, Instant now) {
        KeyPair keys = pki.issuing().newKeyPair();
        X509Certificate cert = pki.issuing().issueClient(keys.getPublic(), id.value(), now.minusSeconds(60),
                Duration.ofDays(30));
        return new TestKiosk(id, keys, List.of(cert, pki.issuing().certificate()), pki.caCertificate());
    }

    static String serial(TestKiosk kiosk) {
        return EnrollmentService.serial(kiosk.certificate());
    }

    static String hash(byte[] secret) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(secret));
    }

    @Test
    void theFirstStartImportsTheRegistryFileAndLosesNothing() throws Exception {
        Path kiosks = BROKER.dataDir().resolve("kiosks");
        assertFalse(Files.exists(kiosks.resolve("registry.json")));
        try (Stream<Path> files = Files.list(kiosks)) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith("registry.json.imported-"))
                    .count());
        }
        MqttClient client = enrolled.connect(BROKER);
        assertTrue(client.isConnected(), "the enrolled kiosk's certificate is its current one after the upgrade");
        client.disconnect();
        client.close();

        MqttException refused = assertThrows(MqttException.class, () -> revoked.connect(BROKER));
        assertEquals(0x87, refused.getReasonCode());
        var crl = TwoNodesIntegrationTest.crl(BROKER);
        assertNotNull(crl.getRevokedCertificate(revoked.certificate().getSerialNumber()));
        assertEquals(41, BROKER.broker().kiosks().state().crlNumber());

        var token = org.telekiosk.protocol.enrollment.EnrollmentToken.of(KioskId.of("upgrade-c"), TOKEN_SECRET,
                org.telekiosk.broker.pki.CaPin.of(BROKER.broker().pki().caCertificate()));
        TestKiosk fromOldToken = TestKiosk.enroll(BROKER, KioskId.of("upgrade-c"), token.line());
        MqttClient third = fromOldToken.connect(BROKER);
        assertTrue(third.isConnected(), "a token made before the upgrade still enrolls");
        third.disconnect();
        third.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> BROKER.broker().kiosks().state()
                .kiosk(KioskId.of("upgrade-c")).isPresent());
    }
}
