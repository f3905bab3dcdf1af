package org.telekiosk.broker.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.pki.CaPin;
import org.telekiosk.broker.pki.Certificates;
import org.telekiosk.broker.pki.KeystorePassword;
import org.telekiosk.broker.pki.Pem;
import org.telekiosk.broker.pki.TrustStores;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.enrollment.EnrollmentToken;

/**
 * An operator-supplied HTTPS certificate (PEM, from the operator's own CA): browsers and kiosks see it on HTTPS,
 * tokens pin the operator's CA, and MQTT keeps the Telekiosk CA, which the enrollment answer hands the kiosk.
 */
class OperatorCertificateIntegrationTest {
    static final BrokerPki OPERATOR;
    static final Path CHAIN;
    static final Path KEY;

    static {
        try {
            Path dir = Files.createTempDirectory("operator-ca");
            dir.toFile().deleteOnExit();
            SecureRandom random = new SecureRandom();
            OPERATOR = BrokerPki.open(dir.resolve("pki"), KeystorePassword.resolve("pw", dir.resolve("pw"), random),
                    List.of("operator.example"), new Certificates(random), Clock.systemUTC());
            KeyPair keys = OPERATOR.issuing().newKeyPair();
            X509Certificate server = OPERATOR.issuing().issueServer(keys.getPublic(), List.of("localhost", "127.0.0.1"),
                    java.time.Instant.now(), Duration.ofDays(90));
            CHAIN = Files.write(dir.resolve("chain.pem"), Pem.encode(List.of(server, OPERATOR.issuing().certificate(),
                    OPERATOR.caCertificate())));
            KEY = dir.resolve("key.pem");
            Files.createFile(KEY, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(KEY, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                    .encodeToString(keys.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension(Map.of("https.certificate-file", CHAIN.toString(),
            "https.key-file", KEY.toString()));

    static HttpResponse<String> healthz(javax.net.ssl.SSLContext tls) throws Exception {
        try (HttpClient http = HttpClient.newBuilder().sslContext(tls).build()) {
            return http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + BROKER.broker().httpsPort()
                    + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void httpsPresentsTheOperatorsCertificateAndTokensPinTheOperatorsCa() throws Exception {
        assertEquals(200, healthz(TrustStores.trusting(OPERATOR.caCertificate())).statusCode());
        assertThrows(SSLHandshakeException.class, () -> healthz(BROKER.tls()),
                "the Telekiosk CA does not vouch for the operator's certificate");
        EnrollmentToken token = EnrollmentToken.parse(BROKER.broker().enrollment()
                .createToken(KioskId.of("operator-kiosk"), "Op", AuditActor.system()).line());
        assertArrayEquals(CaPin.of(OPERATOR.caCertificate()), token.caPin());
    }

    @Test
    void aKioskEnrollsOverTheOperatorsHttpsAndConnectsToMqttWithTheTelekioskCa() throws Exception {
        KioskId id = KioskId.of("operator-kiosk-b");
        String token = BROKER.broker().enrollment().createToken(id, "Op", AuditActor.system()).line();
        TestKiosk kiosk = TestKiosk.enroll(BROKER, id, token, TrustStores.trusting(OPERATOR.caCertificate()));
        MqttClient client = kiosk.connect(BROKER);
        assertTrue(client.isConnected());
        client.disconnect();
        client.close();
    }
}
