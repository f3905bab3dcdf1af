package org.telekiosk.broker.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.signaling.RungChange;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.RequiredPrograms;
import org.telekiosk.broker.testing.RequiredPrograms.Program;
import org.telekiosk.link.profile.Direction;
import org.telekiosk.link.profile.LinkProfiles;
import org.telekiosk.link.relay.Link;
import org.telekiosk.link.relay.Ticker;
import org.telekiosk.link.relay.UdpRelay;
import org.telekiosk.protocol.signaling.Rung;

/**
 * The default build's short test of the degradation ladder on a real call: the doctor's and the kiosk's headless
 * Chromium, relay-only ICE through a real coturn, and the link emulator's seeded UDP relay between the kiosk's
 * browser and coturn. The doctor reaches coturn on 127.0.0.1 directly; the kiosk's page reaches it at 127.0.0.2 on
 * the same port, where the relay listens and forwards to coturn, so everything the kiosk sends and receives crosses
 * the profile. (The kiosk page's peer connections get the relay's address in place of coturn's through a wrapper
 * of {@code RTCPeerConnection} installed by the test ({@link TurnHostRewrite}), standing in for the routing of a real network: Chromium's
 * WebRTC does not follow {@code --host-resolver-rules} for TURN host names, and the broker issues one ICE
 * configuration to both.) Under
 * {@code edge} the ladder must step down (both pages on the same rung, the broker told), after the switch to
 * {@code good} climb back to full video, and the patient reads the German guidance.
 *
 * <p>The relay impairs delay, jitter and loss; without a network namespace there is no tbf rate limit here, so
 * {@code edge}'s 256 kbit/s is not part of this test (the ladder steps down on its 300 ms and 3 %).
 */
@RequiredPrograms({Program.CHROMIUM, Program.CHROMEDRIVER, Program.TURNSERVER})
class LadderOnLinkBrowserTest {
    private static final long SEED = Long.getLong("telekiosk.link.seed", 1);

    @RegisterExtension
    @Order(1)
    static final Coturn TURN = new Coturn();

    @RegisterExtension
    @Order(2)
    static final BrokerExtension BROKER = new BrokerExtension(Map.of("ice.turn-urls", TURN.url(),
            "ice.transport-policy", "relay",
            "turn.secret-file", TURN.secretFile().toString()));

    private static final LinkProfiles PROFILES = LinkProfiles.bundled();
    private static final Link LINK = new Link(PROFILES.schedule("edge", SEED), Ticker.SYSTEM);
    private static UdpRelay relay;

    @AfterAll
    static void closeTheRelay() throws IOException {
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void theLadderStepsDownOnEdgeAndClimbsBackToVideoOnGood() throws Exception {
        int turnPort = URI.create(TURN.url().replace("turn:", "turn://")).getPort();
        relay = new UdpRelay(new InetSocketAddress("127.0.0.2", turnPort), new InetSocketAddress("127.0.0.1", turnPort),
                LINK, SEED);
        List<RungChange> told = new CopyOnWriteArrayList<>();
        BROKER.broker().watchRungs(told::add);
        ConsultationFixture fixture = ConsultationFixture.create(BROKER.broker().access(),
                ConsultationFixture.doctor(BROKER.broker().access(), "dr.ladder"));
        X509Certificate certificate = BROKER.broker().pki().serverChain().getFirst();
        try (Chromium doctor = new Chromium(certificate, List.of());
                Chromium patient = new Chromium(certificate, List.of())) {
            ConsultationBrowserTest.openDoctorConsole(doctor, fixture, BROKER);
            CallPages.openSameOrigin(patient, BROKER.origin() + "/kiosk.html");
            TurnHostRewrite.install(patient, "127.0.0.1", InetAddress.getByName("127.0.0.2"));
            CallPages.enterCode(patient, fixture.code());
            CallPages.admitWaitingPatient(doctor, Chromium.PATIENCE);
            long admitted = System.nanoTime();

            try {
                Chromium.await("relayed video at both ends under edge", Chromium.PATIENCE)
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> doctor.connectedWithVideo() && patient.connectedWithVideo());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("no call: relay " + relay.counters() + "; kiosk " + candidates(patient)
                        + "; doctor " + candidates(doctor), e);
            }
            long connected = System.nanoTime();
            assertTrue(relay.counters().passedCount(Direction.UP) > 0 && relay.counters().passedCount(Direction.DOWN)
                    > 0, "the kiosk's media crosses the relay: " + relay.counters());

            // The rung and the guidance are read together in one script call: the kiosk page sets its rung before it
            // has applied it to its senders and rendered the guidance (under CPU starvation that took seconds).
            try {
                Chromium.await("a lower rung and its guidance on both pages under edge", Chromium.PATIENCE)
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> {
                            String kiosk = patientView(patient);
                            return !"video".equals(rung(doctor)) && kiosk.startsWith(rung(doctor) + "|")
                                    && (kiosk.contains("|Die Verbindung ist schwach")
                                            || kiosk.contains("|Die Verbindung ist sehr schwach"));
                        });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("no step down: kiosk " + patientView(patient) + "; broker told " + told
                        + "; " + doctor.text("#link-quality") + "; relay " + relay.counters(), e);
            }
            long down = System.nanoTime();
            String lower = rung(doctor);
            Chromium.await("the doctor reads the rung", Chromium.PATIENCE)
                    .until(() -> doctor.text("#rung").contains("Stufe · Rung"));

            LINK.switchTo(PROFILES.schedule("good", SEED));
            long switched = System.nanoTime();
            // Under good the ladder climbs once the call's figures have been good for its hysteresis; on a machine
            // starved of CPU the browsers themselves report freezes and long jitter buffers until the load eases
            // (the ladder then rightly holds a lower rung), so this waits for the condition, not for a fixed time.
            try {
                Chromium.await("full video and its guidance again on both pages under good",
                                Chromium.PATIENCE.multipliedBy(2))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> "video".equals(rung(doctor))
                                && patientView(patient).startsWith("video|Die Verbindung ist wieder gut"));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("no climb: kiosk " + patientView(patient) + "; broker told " + told + "; "
                        + doctor.text("#link-quality"), e);
            }
            long up = System.nanoTime();
            Chromium.await("video decoded again at the kiosk", Chromium.PATIENCE)
                    .until(patient::connectedWithVideo);

            List<Rung> rungs = told.stream().map(RungChange::rung).toList();
            assertEquals(Rung.VIDEO, rungs.getFirst(), "the call starts on video: " + told);
            assertTrue(rungs.contains(Rung.valueOf(lower.toUpperCase().replace('-', '_'))), told.toString());
            assertEquals(Rung.VIDEO, rungs.getLast(), told.toString());
            assertTrue(told.stream().allMatch(c -> c.consultation().equals(fixture.consultation().id())));
            System.out.printf("ladder on the link: admit -> video %d ms, video -> %s %d ms under edge,"
                            + " back to video %d ms after the switch to good; relay %s; broker told %s%n",
                    millis(admitted, connected), lower, millis(connected, down), millis(switched, up),
                    relay.counters(), rungs);
        }
    }

    /** The kiosk page's rung and its guidance's text, {@code |} between, in one script call. */
    private static String patientView(Chromium page) {
        return String.valueOf(page.script("const t = window.telekiosk; const g = document.getElementById("
                + "'link-guidance'); return (t ? (t.rung || 'video') : 'none') + '|'"
                + " + (g && !g.hidden ? g.textContent.replace(/\\s+/g, ' ').trim() : '');"));
    }

    private static String rung(Chromium page) {
        Object rung = page.script("const t = window.telekiosk; if (!t) return 'none';"
                + " return t.role === 'doctor' ? t.link.rung : (t.rung || 'video');");
        return String.valueOf(rung);
    }

    /** The page's ICE candidates and pairs as getStats() lists them, for a failure message. */
    private static Object candidates(Chromium page) {
        return page.async("const pc = window.telekiosk?.call?.pc; if (!pc) { done('no peer connection'); return; }"
                + " pc.getStats().then((stats) => { const out = [pc.connectionState, pc.iceConnectionState];"
                + " stats.forEach((r) => { if (r.type === 'local-candidate' || r.type === 'remote-candidate')"
                + " out.push(r.type + ' ' + r.candidateType + ' ' + r.address + ':' + r.port + ' ' + (r.url || ''));"
                + " if (r.type === 'candidate-pair') out.push('pair ' + r.state + ' ' + r.requestsSent + '/'"
                + " + r.responsesReceived); }); done(out.join(' | ')); });");
    }

    private static long millis(long from, long to) {
        return Duration.ofNanos(to - from).toMillis();
    }
}
