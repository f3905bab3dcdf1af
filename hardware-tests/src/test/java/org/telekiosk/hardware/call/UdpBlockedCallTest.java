package org.telekiosk.hardware.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.browser.CallPages;
import org.telekiosk.broker.browser.CallStats;
import org.telekiosk.broker.browser.Chromium;
import org.telekiosk.broker.browser.ConsultationFixture;
import org.telekiosk.broker.browser.Coturn;
import org.telekiosk.broker.browser.TurnHostRewrite;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.RequiredPrograms;
import org.telekiosk.broker.testing.RequiredPrograms.Program;
import org.telekiosk.link.netns.VethLink;
import org.telekiosk.link.profile.LinkProfiles;

/**
 * A call through the real pages whose kiosk browser runs in a network namespace where UDP does not get out: only
 * TCP to the broker's HTTPS port and to coturn's TCP and TLS ports is relayed (this kernel has neither nftables nor
 * iptables; the namespace has no other route). The broker offers TURN over UDP, TCP and TLS ({@code ice.turn-host});
 * the call connects through coturn over TCP or TLS, and with only the TLS port open, over TLS. The doctor's browser
 * is on this host with UDP. Needs root (skipped otherwise, with the reason).
 */
@RequiredPrograms({Program.CHROMIUM, Program.CHROMEDRIVER, Program.TURNSERVER})
class UdpBlockedCallTest {
    /** The name of the broker and of coturn for both browsers; the broker's certificate covers it. */
    static final String NAME = "broker.link.test";

    static final Coturn TURN = new Coturn().withTls(() -> UdpBlockedCallTest.BROKER.broker().pki());

    @RegisterExtension
    @Order(1)
    static final BrokerExtension BROKER = new BrokerExtension(Map.of("https.host-names",
            "localhost,127.0.0.1," + NAME, "ice.turn-host", NAME, "ice.turn-port", String.valueOf(TURN.port()),
            "ice.turns-port", String.valueOf(TURN.tlsPort()), "ice.transport-policy", "relay",
            "turn.secret-file", TURN.secretFile().toString()));

    @RegisterExtension
    @Order(2)
    static final Coturn TURN_EXTENSION = TURN;

    @BeforeAll
    static void needsNamespaces() {
        Assumptions.assumeTrue(VethLink.unavailable().isEmpty(),
                () -> "skipped: the kiosk's link needs a network namespace: " + VethLink.unavailable().orElse(""));
    }

    @Test
    void withUdpBlockedTheCallConnectsThroughTurnOverTcpOrTls() throws Exception {
        Map<String, Object> local = callFromTheNamespace(List.of(TURN.port(), TURN.tlsPort()), "udp-blocked");
        assertTrue(Set.of("tcp", "tls").contains(local.get("relayProtocol")), local.toString());
    }

    @Test
    void withOnlyTheTlsPortOpenTheCallConnectsThroughTurnOverTls() throws Exception {
        Map<String, Object> local = callFromTheNamespace(List.of(TURN.tlsPort()), "tls-only");
        assertEquals("tls", local.get("relayProtocol"), local.toString());
    }

    /** A call with the kiosk in a namespace reaching only the broker and {@code turnTcpPorts}; its selected candidate. */
    private static Map<String, Object> callFromTheNamespace(List<Integer> turnTcpPorts, String doctorLogin)
            throws Exception {
        ConsultationFixture fixture = ConsultationFixture.create(BROKER.broker().access(),
                ConsultationFixture.doctor(BROKER.broker().access(), "dr." + doctorLogin));
        X509Certificate certificate = BROKER.broker().pki().serverChain().getFirst();
        int https = BROKER.broker().httpsPort();
        List<Integer> tcpPorts = new java.util.ArrayList<>(List.of(https));
        tcpPorts.addAll(turnTcpPorts);
        long seed = Long.getLong("telekiosk.link.seed", 1);
        try (BrowserOnLink link = BrowserOnLink.open(LinkProfiles.bundled().schedule("good", seed), seed, tcpPorts,
                        List.of());
                Chromium doctor = new Chromium(certificate, List.of("--host-resolver-rules=MAP " + NAME
                        + " 127.0.0.1"));
                Chromium kiosk = link.browser(certificate, NAME)) {
            CallPages.openDoctorConsole(doctor, fixture, BROKER.origin());
            TurnHostRewrite.install(doctor, NAME, java.net.InetAddress.getLoopbackAddress());
            CallPages.openKioskPage(kiosk, "https://" + NAME + ":" + https);
            TurnHostRewrite.install(kiosk, NAME, link.hostAddress());
            CallPages.enterCode(kiosk, fixture.code());
            try {
                // generous: a loaded 2-core machine once took over 30 s from the code to the waiting room
                CallPages.admitWaitingPatient(doctor, Duration.ofSeconds(90));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("the doctor never saw the patient waiting; kiosk " + kiosk.describe()
                        + "; doctor " + doctor.describe(), e);
            }
            try {
                // media through coturn over TCP or TLS and the emulated link: at a load average of 60 on the 2-core
                // build machine once more than 60 s (ICE's checks over TURN/TLS are slow when the machine is)
                Chromium.await("video decoded at both ends; kiosk " + link.namespace(), Chromium.PATIENCE)
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> doctor.connectedWithVideo() && kiosk.connectedWithVideo());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("no video at both ends: kiosk " + kiosk.videoStats() + " " + kiosk.describe()
                        + "; doctor " + doctor.videoStats() + " " + doctor.describe() + "; relays "
                        + link.tcpCounters(), e);
            }

            Map<String, Object> local = CallStats.selectedLocalCandidateOfCall(kiosk);
            assertEquals("relay", local.get("candidateType"), local.toString());
            List<String> relayProtocols = CallStats.relayCandidateProtocols(kiosk);
            assertFalse(relayProtocols.isEmpty(), "the kiosk gathered no relay candidate");
            assertFalse(relayProtocols.contains("udp"), "a UDP allocation got out of the namespace: "
                    + relayProtocols);
            System.out.println("UdpBlockedCallTest " + doctorLogin + ": kiosk relay candidates " + relayProtocols
                    + ", selected " + local + "; relays " + link.tcpCounters());
            return local;
        }
    }
}
