package org.telekiosk.broker.browser;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.RequiredPrograms;
import org.telekiosk.broker.testing.RequiredPrograms.Program;
import org.telekiosk.broker.turn.IceConfig;
import org.telekiosk.broker.turn.IceServers;
import org.telekiosk.broker.turn.TurnSecret;
import org.telekiosk.protocol.signaling.IceServer;

/**
 * TURN over TCP and over TLS against a real coturn (its TLS listener with the broker's certificate): with only that
 * URL offered, Chromium allocates a relay over that transport ({@code relayProtocol} of the selected local
 * candidate) and video is decoded through it, with the credentials the broker issues.
 */
@RequiredPrograms({Program.CHROMIUM, Program.CHROMEDRIVER, Program.TURNSERVER})
class TurnTransportsTest {
    @RegisterExtension
    @Order(1)
    static final BrokerExtension BROKER = new BrokerExtension(Map.of());

    @RegisterExtension
    @Order(2)
    static final Coturn TURN = new Coturn().withTls(() -> BROKER.broker().pki());

    @Test
    void aRelayIsAllocatedOverTcpAndVideoFlowsThroughIt() throws Exception {
        assertRelayedOver(TURN.tcpUrl(), "tcp");
    }

    @Test
    void aRelayIsAllocatedOverTlsAndVideoFlowsThroughIt() throws Exception {
        assertRelayedOver(TURN.tlsUrl(), "tls");
    }

    private static void assertRelayedOver(String url, String relayProtocol) throws Exception {
        IceConfig config = new IceConfig(List.of(), List.of(url), "relay", Duration.ofMinutes(10), Optional.empty());
        List<IceServer> servers = new IceServers(config, Optional.of(TurnSecret.of(TURN.secret())),
                Clock.systemUTC()).issue("probe-" + relayProtocol);
        X509Certificate certificate = BROKER.broker().pki().serverChain().getFirst();
        try (Chromium browser = new Chromium(certificate, List.of())) {
            CallPages.openSameOrigin(browser, BROKER.origin() + "/healthz");
            RelayProbe.start(browser, servers);
            await("video over TURN/" + relayProtocol).atMost(Chromium.PATIENCE)
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> RelayProbe.framesDecoded(browser) > 0);
            Map<String, Object> local = RelayProbe.selectedLocalCandidate(browser);
            assertEquals("relay", local.get("candidateType"), local.toString());
            assertEquals(relayProtocol, local.get("relayProtocol"), local.toString());
        }
    }
}
