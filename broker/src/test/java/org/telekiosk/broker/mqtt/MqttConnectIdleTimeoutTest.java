package org.telekiosk.broker.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.pki.TrustStores;
import org.telekiosk.broker.testing.BrokerExtension;

/**
 * HiveMQ's two timers before a client's CONNECT, against the real embedded HiveMQ: the TLS handshake's ({@code
 * mqtt.tls-handshake-timeout}) and the wait for the CONNECT ({@code no-connect-idle-timeout}), which HiveMQ starts
 * only when the handshake has finished (its TLS channel initializer adds that idle handler from the handshake's
 * listener) and which {@link HiveMqConfigXml} sets to the handshake timeout as well: a kiosk on a slow link that has
 * its handshake done is not dropped 10 s later for a CONNECT still on its way, after the broker did the costly part.
 */
class MqttConnectIdleTimeoutTest {
    /** The handshake timeout configured here; HiveMQ's own wait for the CONNECT is 10 s. */
    static final Duration TIMEOUT = Duration.ofSeconds(4);
    /**
     * How long the handshake is held up before the client's Finished: half the timeout, which HiveMQ's handshake timer
     * counts from the connection's start, with room for the first half of the handshake on a loaded machine.
     */
    static final Duration STALL = TIMEOUT.dividedBy(2);

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension(Map.of("mqtt.tls-handshake-timeout", TIMEOUT.toString()));

    @Test
    void aHandshakeHeldUpBeforeTheClientsFinishedStillGetsItsConnack() throws Exception {
        try (SteppedTlsClient client = new SteppedTlsClient(serviceTls(), BROKER.broker().mqtt().port())) {
            client.handshakeHoldingLastFlight();
            assertTrue(client.staysOpenFor(STALL), "HiveMQ closed a handshake before its timeout");
            client.sendHeldFlight();
            client.send(connect("telekiosk-broker-00000000000000c1"));
            byte[] connack = client.read(Duration.ofSeconds(30));
            assertNotNull(connack, "closed instead of answering the CONNECT");
            assertEquals(0x20, connack[0] & 0xFF, "a CONNACK");
            assertEquals(0x00, connack[3] & 0xFF, "CONNACK reason code: success");
        }
    }

    @Test
    void afterTheHandshakeHiveMqWaitsForTheConnectAsLongAsTheHandshakeTimeoutNotItsOwnTenSeconds() throws Exception {
        try (SteppedTlsClient client = new SteppedTlsClient(serviceTls(), BROKER.broker().mqtt().port())) {
            client.handshakeHoldingLastFlight();
            client.sendHeldFlight();
            // Open for most of the timeout, closed soon after it: 7 s after the handshake at most here, where HiveMQ's
            // own wait would be 10 s.
            assertTrue(client.staysOpenFor(TIMEOUT.multipliedBy(3).dividedBy(4)),
                    "closed before the configured time");
            assertFalse(client.staysOpenFor(TIMEOUT.dividedBy(2).plusSeconds(2)),
                    "still open after the configured time: HiveMQ waited its own 10 s for the CONNECT");
        }
    }

    private static SSLContext serviceTls() throws Exception {
        var pki = BROKER.broker().pki();
        return TrustStores.trustingWithIdentity(pki.caCertificate(), pki.serviceIdentity());
    }

    /** An MQTT 5 CONNECT (§3.1): Clean Start, keep alive 60 s, no properties, no will, no user name. */
    static byte[] connect(String clientId) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 60, 0});
        body.write(id.length >> 8);
        body.write(id.length & 0xFF);
        body.writeBytes(id);
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(0x10);
        packet.write(body.size()); // under 128: one byte of remaining length
        packet.writeBytes(body.toByteArray());
        return packet.toByteArray();
    }
}
