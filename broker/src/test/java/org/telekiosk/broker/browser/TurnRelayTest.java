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
import org.openqa.selenium.By;
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
            patient.driver().get(BROKER.origin() + "/kiosk.html");
            patient.driver().findElement(By.id("code")).sendKeys(fixture.code());
            patient.driver().findElement(By.cssSelector("#code-form button")).click();
            await("the patient waits").atMost(Duration.ofSeconds(20))
                    .until(() -> !doctor.driver().findElements(By.cssSelector("#waiting li .admit")).isEmpty());
            doctor.script("document.querySelector('#waiting li .admit').click()");

            await("relayed video at both ends").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(250))
                    .until(() -> doctor.connectedWithVideo() && patient.connectedWithVideo());
            assertEquals("relay", patient.async("window.telekiosk.call.pc.getStats().then((stats) => {"
                    + " let pair; stats.forEach((r) => { if (r.type === 'transport') pair = stats.get("
                    + "r.selectedCandidatePairId); });"
                    + " done(stats.get(pair.localCandidateId).candidateType); });"));
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
            browser.driver().get(BROKER.origin() + "/healthz");

            startProbe(browser, expired);
            await("ICE gathering with expired credentials finished").atMost(Duration.ofSeconds(30))
                    .until(() -> Boolean.TRUE.equals(browser.script("return window.probe.gathered")));
            assertEquals(0L, browser.script("return window.probe.relayCandidates"), "no relay candidate");
            assertEquals(0L, browser.script("return window.probe.framesDecoded"));
            assertTrue(!"connected".equals(browser.script("return window.probe.b.connectionState")));

            startProbe(browser, fresh);
            await("video over the relay with fresh credentials").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        browser.async("window.probe.poll().then(done)");
                        return ((Number) browser.script("return window.probe.framesDecoded")).longValue() > 0;
                    });
            assertTrue(((Number) browser.script("return window.probe.relayCandidates")).longValue() > 0);
        }
    }

    /** Two peer connections in one page, relay only, with {@code servers}; results in {@code window.probe}. */
    private static void startProbe(Chromium browser, List<IceServer> servers) {
        StringBuilder list = new StringBuilder("[");
        for (IceServer server : servers) {
            list.append(list.length() > 1 ? "," : "").append("{urls:['").append(server.urls().getFirst())
                    .append("'],username:'").append(server.username()).append("',credential:'")
                    .append(server.credential()).append("'}");
        }
        list.append(']');
        browser.async("""
                window.probe?.a?.close(); window.probe?.b?.close();
                const config = {iceServers: %s, iceTransportPolicy: 'relay'};
                const probe = {gathered: false, relayCandidates: 0, framesDecoded: 0};
                window.probe = probe;
                const a = new RTCPeerConnection(config), b = new RTCPeerConnection(config);
                probe.a = a; probe.b = b;
                a.onicecandidate = (e) => {
                  if (!e.candidate) { probe.gathered = true; return; }
                  if (e.candidate.type === 'relay') probe.relayCandidates++;
                  b.addIceCandidate(e.candidate).catch(() => {});
                };
                b.onicecandidate = (e) => { if (e.candidate) a.addIceCandidate(e.candidate).catch(() => {}); };
                probe.poll = async () => {
                  (await b.getStats()).forEach((r) => {
                    if (r.type === 'inbound-rtp' && r.kind === 'video') probe.framesDecoded = r.framesDecoded || 0;
                  });
                };
                navigator.mediaDevices.getUserMedia({video: true}).then(async (stream) => {
                  stream.getTracks().forEach((t) => a.addTrack(t, stream));
                  await a.setLocalDescription(await a.createOffer());
                  await b.setRemoteDescription(a.localDescription);
                  await b.setLocalDescription(await b.createAnswer());
                  await a.setRemoteDescription(b.localDescription);
                  done(true);
                }, (e) => done('getUserMedia failed: ' + e));
                """.formatted(list));
    }
}
