package org.telekiosk.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;

/**
 * Certificate lifetimes on a fake clock: the broker's clock starts 40 days ago, so certificates it issues then are
 * really (by the wall clock HiveMQ and TLS use) expired once the test moves the broker's clock to now.
 */
class CertificateExpiryIntegrationTest {
    static final MutableClock CLOCK = new MutableClock(Instant.now().minus(Duration.ofDays(40)));

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension(Map.of(), CLOCK);

    static void setClock(Instant to) {
        CLOCK.advance(Duration.between(CLOCK.instant(), to));
    }

    @Test
    void anExpiredCertificateIsRefusedByMqttAndToldToEnrollAgainWhenItTriesToRenew() throws Exception {
        setClock(Instant.now().minus(Duration.ofDays(40)));
        TestKiosk kiosk = TestKiosk.enroll(BROKER, KioskId.of("expiry-a"));
        setClock(Instant.now());
        assertThrows(MqttException.class, () -> kiosk.connect(BROKER));
        HttpResponse<String> renewal = TestKiosk.post(BROKER, "/api/v1/renew", kiosk.tls(),
                "{\"csr\":\"" + TestKiosk.csr(TestKiosk.p256(), "CN=expiry-a", "SHA256withECDSA")
                        .replace("\n", "\\n") + "\"}");
        assertEquals(401, renewal.statusCode(), renewal.body());
        assertTrue(renewal.body().contains("expired") && renewal.body().contains("edge-agent enroll"),
                renewal.body());
    }

    @Test
    void aCertificateRenewedAtTwoThirdsOfItsLifetimeKeepsTheKioskConnected() throws Exception {
        setClock(Instant.now().minus(Duration.ofDays(21)));
        TestKiosk kiosk = TestKiosk.enroll(BROKER, KioskId.of("expiry-b"));
        CLOCK.advance(Duration.ofDays(21));
        TestKiosk renewed = kiosk.renew(BROKER);
        assertEquals(CLOCK.instant().plus(Duration.ofDays(30)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                renewed.certificate().getNotAfter().toInstant());
        MqttClient client = renewed.connect(BROKER);
        assertTrue(client.isConnected());
        client.disconnect();
        client.close();
    }
}
