package org.telekiosk.broker.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.testing.BrokerExtension;

/**
 * HiveMQ acts on {@code mqtt.tls-handshake-timeout} ({@link HiveMqConfigXml}): a connection to the MQTT listener that
 * never finishes its TLS handshake is closed after the configured time, not after HiveMQ's own default of 10 s.
 * HiveMQ reads its configuration with JAXB and ignores an element it does not know, so only its behaviour shows that
 * the element is where HiveMQ looks for it.
 */
class MqttHandshakeTimeoutTest {
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension(Map.of("mqtt.tls-handshake-timeout", "PT1S"));

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheConfiguredHandshakeTimeoutNotHiveMqsTenSeconds() throws Exception {
        EmbeddedMqttBroker mqtt = BROKER.broker().mqtt();
        try (Socket silent = new Socket()) {
            silent.connect(new InetSocketAddress("127.0.0.1", mqtt.port()), 5_000);
            // Below HiveMQ's default of 10 s, far above the 1 s configured: open at 8 s means the element was ignored.
            silent.setSoTimeout(8_000);
            InputStream in = silent.getInputStream();
            try {
                assertEquals(-1, in.read(), "HiveMQ closes the connection without a byte (nothing was sent)");
            } catch (SocketTimeoutException stillOpen) {
                fail("the connection was still open after 8 s: HiveMQ did not take the handshake timeout of 1 s");
            } catch (java.net.SocketException reset) {
                // closed by HiveMQ with a reset: closed all the same
            }
        }
        // The close is HiveMQ's handshake timer's (its idle handler or Netty's, whichever fires first).
        Awaitility.await("the timeout counted").atMost(Duration.ofSeconds(30))
                .until(() -> mqtt.tlsRefusals().count(MqttTlsRefusals.Reason.TIMEOUT)
                        + mqtt.tlsRefusals().count(MqttTlsRefusals.Reason.HANDSHAKE) >= 1);
    }
}
