package org.telekiosk.agent.uplink;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telekiosk.agent.uplink.UplinkFixtures.quickReconnect;
import static org.telekiosk.agent.uplink.UplinkFixtures.settings;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class PahoUplinkTlsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @RegisterExtension
    static final EmbeddedBroker broker = new EmbeddedBroker();

    private static UplinkSettings with(UplinkSettings s, URI uri, Path caFile) {
        return new UplinkSettings(uri, s.kiosk(), s.password(), caFile, s.sessionExpiry(), s.inflightWindow(),
                s.keepAlive(), s.connectTimeout());
    }

    @Test
    void aBrokerCertificateSignedByAnotherCaIsNotTrusted() throws Exception {
        String kiosk = "kiosk-other-ca";
        UplinkSettings settings = with(settings(broker, kiosk, 32), broker.uri(), broker.otherCaPem());
        try (PahoUplink uplink = new PahoUplink(settings, quickReconnect())) {
            uplink.start();

            await().atMost(PATIENCE).until(() -> uplink.status().connectAttempts() >= 3);

            assertFalse(uplink.isConnected());
            assertEquals(0, broker.connectAttempts(kiosk).size(), "no CONNECT may leave before the broker is trusted");
            assertTrue(uplink.status().lastProblem().contains("certification path"), uplink.status().lastProblem());
        }
    }

    @Test
    void aBrokerCertificateForAnotherHostIsRejected() throws Exception {
        String kiosk = "kiosk-wrong-host";
        // The broker's certificate names localhost only, not 127.0.0.1.
        URI byAddress = URI.create("ssl://127.0.0.1:" + broker.port());
        UplinkSettings settings = with(settings(broker, kiosk, 32), byAddress, broker.caPem());
        try (PahoUplink uplink = new PahoUplink(settings, quickReconnect())) {
            uplink.start();

            await().atMost(PATIENCE).until(() -> uplink.status().connectAttempts() >= 3);

            assertFalse(uplink.isConnected());
            assertEquals(0, broker.connectAttempts(kiosk).size());
            assertTrue(uplink.status().lastProblem().contains("127.0.0.1"), uplink.status().lastProblem());
        }
    }

    @Test
    void aBrokerThatNeverAnswersConnectIsGivenUpAfterTheConnectTimeoutAndTriedAgain() throws Exception {
        String kiosk = "kiosk-silence";
        try (SilentBroker silent = new SilentBroker(broker.brokerKeystore())) {
            UplinkSettings base = settings(broker, kiosk, 32);
            UplinkSettings settings = new UplinkSettings(URI.create("ssl://localhost:" + silent.port()), base.kiosk(),
                    base.password(), base.caFile(), base.sessionExpiry(), base.inflightWindow(), base.keepAlive(),
                    Duration.ofSeconds(1));
            try (PahoUplink uplink = new PahoUplink(settings, quickReconnect())) {
                uplink.start();

                // Paho 1.2.5 has no timeout for the CONNACK; without ours the uplink would wait forever.
                await().atMost(PATIENCE).until(() -> silent.handshakes() >= 2);

                assertFalse(uplink.isConnected());
                assertTrue(uplink.status().lastProblem().contains("timed out after 1 s"),
                        uplink.status().lastProblem());
                assertTrue(UplinkFixtures.uplinkThreads(kiosk).size() <= 1 + PahoThreads.SIZE);
            }
            await().atMost(PATIENCE).until(() -> UplinkFixtures.uplinkThreads(kiosk).isEmpty());
        }
    }

    @Test
    void aBrokerThatHangsUpRightAfterTheHandshakeIsRetriedWithoutLosingAThreadPerAttempt() throws Exception {
        String kiosk = "kiosk-hang-up";
        try (SilentBroker hangingUp = new SilentBroker(broker.brokerKeystore(), true)) {
            UplinkSettings base = settings(broker, kiosk, 32);
            UplinkSettings settings = new UplinkSettings(URI.create("ssl://localhost:" + hangingUp.port()),
                    base.kiosk(), base.password(), base.caFile(), base.sessionExpiry(), base.inflightWindow(),
                    base.keepAlive(), Duration.ofSeconds(5));
            try (PahoUplink uplink = new PahoUplink(settings, quickReconnect())) {
                uplink.start();

                // Paho 1.2.5's connect thread spins forever when its receiver stops before it looks; 20 attempts
                // would exhaust the pool (and, without one, leak 20 threads) if TlsNetworkModule let that happen.
                await().atMost(PATIENCE).until(() -> hangingUp.handshakes() >= 20);

                assertFalse(uplink.isConnected());
                assertFalse(uplink.status().lastProblem().contains("timed out"), uplink.status().lastProblem());
                assertTrue(UplinkFixtures.uplinkThreads(kiosk).size() <= 1 + PahoThreads.SIZE,
                        "threads: " + UplinkFixtures.uplinkThreads(kiosk));
            }
            await().atMost(PATIENCE).until(() -> UplinkFixtures.uplinkThreads(kiosk).isEmpty());
        }
    }

    @Test
    void aCaFileWithoutACertificateIsRefusedAtOnce(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
        UplinkSettings settings = with(settings(broker, "kiosk-no-ca", 32), broker.uri(), empty);

        IOException refused = assertThrows(IOException.class, () -> new PahoUplink(settings, quickReconnect()));
        assertTrue(refused.getMessage().contains(empty.toString()), refused.getMessage());
    }
}
