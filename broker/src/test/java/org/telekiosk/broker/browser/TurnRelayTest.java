package org.telekiosk.broker.browser;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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
 * TURN with a real coturn (shared-secret scheme) and headless Chromium restricted to relay candidates
 * ({@code iceTransportPolicy: 'relay'}): video flows with the credentials the broker issues, and does not with
 * expired ones. After the relayed call, the consultation's record says relay, with the fingerprints both pages saw
 * matching the signaled ones.
 */
@RequiredPrograms({Program.CHROMIUM, Program.CHROMEDRIVER, Program.TURNSERVER})
class TurnRelayTest {
    @RegisterExtension
    @Order(1)
    static final Coturn TURN = new Coturn();

    @RegisterExtension
    @Order(2)
    static final BrokerExtension BROKER = new BrokerExtension(Map.of("ice.turn-urls", TURN.url(),
            "ice.transport-policy", "relay", "turn.secret-file", TURN.secretFile().toString()));

    @Test
    void aCallThroughThePagesFlowsOverTheRelayWithTheCredentialsTheBrokerIssues() throws Exception {
        ConsultationFixture fixture = ConsultationFixture.create(BROKER.broker().access(),
                ConsultationFixture.doctor(BROKER.broker().access(), "dr.relay"));
        X509Certificate certificate = BROKER.broker().pki().serverChain().getFirst();
        try (Chromium doctor = new Chromium(certificate, List.of());
                Chromium patient = new Chromium(certificate, List.of())) {
            ConsultationBrowserTest.openDoctorConsole(doctor, fixture, BROKER);
            CallPages.enterCode(patient, BROKER.origin(), fixture.code());
            CallPages.admitWaitingPatient(doctor, Duration.ofSeconds(60));

            await("relayed video at both ends").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(250))
                    .until(() -> doctor.connectedWithVideo() && patient.connectedWithVideo());
            assertEquals("relay", CallStats.selectedLocalCandidateOfCall(patient).get("candidateType"));
            RecordCheck.afterCall(BROKER, doctor, patient, fixture.consultation().id(), "relay");
        }
    }

    @Test
    void expiredCredentialsGetNoRelayWhileFreshOnesDo() throws Exception {
        X509Certificate certificate = BROKER.broker().pki().serverChain().getFirst();
        IceConfig config = new IceConfig(List.of(), List.of(TURN.url()), "relay", Duration.ofMinutes(10),
                Optional.empty());
        TurnSecret secret = TurnSecret.of(TURN.secret());
        Clock twoHoursAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC);
        List<IceServer> expired = new IceServers(config, Optional.of(secret), twoHoursAgo).issue("expired-probe");
        List<IceServer> fresh = new IceServers(config, Optional.of(secret), Clock.systemUTC()).issue("fresh-probe");
        try (Chromium browser = new Chromium(certificate, List.of())) {
            CallPages.openSameOrigin(browser, BROKER.origin() + "/healthz");

            RelayProbe.start(browser, expired);
            await("ICE gathering with expired credentials finished").atMost(Chromium.PATIENCE)
                    .until(() -> Boolean.TRUE.equals(browser.script("return window.probe.gathered")));
            assertEquals(0L, browser.script("return window.probe.relayCandidates"), "no relay candidate");
            assertEquals(0L, browser.script("return window.probe.framesDecoded"));
            assertTrue(!"connected".equals(browser.script("return window.probe.b.connectionState")));

            RelayProbe.start(browser, fresh);
            await("video over the relay with fresh credentials").atMost(Chromium.PATIENCE)
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> RelayProbe.framesDecoded(browser) > 0);
            assertTrue(((Number) browser.script("return window.probe.relayCandidates")).longValue() > 0);
        }
    }
}
