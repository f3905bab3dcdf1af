package org.telekiosk.hardware.call;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.awaitility.Awaitility;
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
import org.telekiosk.link.profile.LinkProfile;
import org.telekiosk.link.profile.LinkProfiles;
import org.telekiosk.link.profile.LinkSchedule;

/**
 * The benchmark of docs/rural-links.md, "Media on the link": a call through the real pages with relay-only ICE
 * through coturn, the doctor's Chromium on this host and the kiosk's Chromium in a namespace whose every packet to
 * the broker and to coturn (UDP, TCP, TLS) crosses the impairment relay under a profile. Per run: the kiosk page's
 * load, admission → first decoded frame at both ends, then over a window: concealed audio, loss, jitter, round trip
 * and bit rates from {@code getStats()}; under {@code cut}, after the window a 20 s blackout and the time until
 * frames are decoded again at both ends (no one admits again); the degradation ladder's rungs on the doctor's page
 * from the first frames to the window's end (share of time on each, changes per minute, shortest gap between two
 * changes); where the set-up's time goes at the kiosk's page ({@link CallProbe#setup}); and vitals beside the call
 * ({@link VitalsBesideCall}: the real agent in the kiosk's namespace over the same link, kiosk → the doctor's vitals
 * socket p50/p99, readings lost and twice; off with {@code -Dtelekiosk.rural-calls.vitals=false}). Prints four
 * tables of medians (also to {@code target/rural-calls.md}). Only with
 * {@code -Dtelekiosk.rural-calls=true}; runs per profile {@code -Dtelekiosk.rural-calls.runs} (5), profiles
 * {@code -Dtelekiosk.rural-calls.profiles} (good,rural-lte,edge,flapping,cut; flapping on its own seeded schedule), window {@code -Dtelekiosk.rural-calls.window}
 * seconds (20). Needs root.
 */
@RequiredPrograms({Program.CHROMIUM, Program.CHROMEDRIVER, Program.TURNSERVER})
class RuralCallBenchmarkTest {
    private static final Duration CUT = Duration.ofSeconds(20);
    private static final Duration SETTLE = Duration.ofSeconds(5);

    private static final String NAME = UdpBlockedCallTest.NAME;

    static final Coturn TURN = new Coturn().withTls(() -> RuralCallBenchmarkTest.BROKER.broker().pki());

    @RegisterExtension
    @Order(1)
    static final BrokerExtension BROKER = new BrokerExtension(Map.of("https.host-names",
            "localhost,127.0.0.1," + NAME, "ice.turn-host", NAME,
            "ice.turn-port", String.valueOf(TURN.port()), "ice.turns-port", String.valueOf(TURN.tlsPort()),
            "ice.transport-policy", "relay", "turn.secret-file", TURN.secretFile().toString()));

    @RegisterExtension
    @Order(2)
    static final Coturn TURN_EXTENSION = TURN;

    @BeforeAll
    static void onlyWhenAskedFor() {
        Assumptions.assumeTrue(Boolean.getBoolean("telekiosk.rural-calls"),
                "the media benchmark runs with -Dtelekiosk.rural-calls=true");
        Assumptions.assumeTrue(VethLink.unavailable().isEmpty(),
                () -> "skipped: the kiosk's link needs a network namespace: " + VethLink.unavailable().orElse(""));
    }

    /** One run's figures; NaN where a run did not get that far. */
    record Run(boolean connected, double pageLoadMs, double setupMs, double concealedUpPercent,
            double concealedDownPercent, double rttMs, double lossUpPercent, double lossDownPercent,
            double jitterDownMs, double upKbps, double downKbps, double fpsAtDoctor, double fpsAtKiosk,
            double resumeMs, double signalingReconnects, String kioskRelayProtocol, String iceStates, String relays,
            CallProbe.Rungs rungs, VitalsBesideCall.Figures vitals, Map<String, Double> phases) {
    }

    /**
     * Vitals beside the call (on unless {@code -Dtelekiosk.rural-calls.vitals=false}): the real agent in the kiosk
     * browser's namespace publishes over the same link ({@link VitalsBesideCall}).
     */
    private static final boolean VITALS = !"false".equals(System.getProperty("telekiosk.rural-calls.vitals"));

    @Test
    void mediaFiguresPerProfile() throws Exception {
        int runs = Integer.getInteger("telekiosk.rural-calls.runs", 5);
        Duration window = Duration.ofSeconds(Integer.getInteger("telekiosk.rural-calls.window", 20));
        long seed = Long.getLong("telekiosk.link.seed", 1);
        List<String> names = Arrays.asList(System.getProperty("telekiosk.rural-calls.profiles",
                "good,rural-lte,edge,flapping,cut").split(","));
        LinkProfiles profiles = LinkProfiles.bundled();
        Map<String, List<Run>> results = new LinkedHashMap<>();
        int counter = 0;
        for (String name : names) {
            List<Run> list = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                Run run = run(profiles, name, seed + i, window, "bench" + counter++);
                System.out.println("RuralCallBenchmark " + name + " run " + (i + 1) + ": " + run);
                list.add(run);
            }
            results.put(name, list);
        }
        String table = table(results, runs, window, seed) + "\n" + ladderTable(results, window)
                + "\n" + phaseTable(results) + (VITALS ? "\n" + vitalsTable(results) : "");
        System.out.println(table);
        Files.writeString(Path.of("target", "rural-calls.md"), table);
        assertTrue(results.values().stream().flatMap(List::stream).anyMatch(Run::connected), "no run connected");
    }

    private Run run(LinkProfiles profiles, String name, long seed, Duration window, String login) throws Exception {
        boolean cut = "cut".equals(name);
        LinkProfile steady = profiles.profile(cut ? "good" : "flapping".equals(name) ? "edge" : name);
        // flapping: the profile's own schedule (good and edge, 20-40 s each, from the seed); the others steady
        LinkSchedule schedule = "flapping".equals(name) ? profiles.schedule(name, seed) : LinkSchedule.steady(steady);
        ConsultationFixture fixture = ConsultationFixture.create(BROKER.broker().access(),
                ConsultationFixture.doctor(BROKER.broker().access(), "dr." + login));
        X509Certificate certificate = BROKER.broker().pki().serverChain().getFirst();
        int https = BROKER.broker().httpsPort();
        int mqtt = BROKER.broker().mqttPort();
        List<Integer> tcpPorts = VITALS ? List.of(https, TURN.port(), TURN.tlsPort(), mqtt)
                : List.of(https, TURN.port(), TURN.tlsPort());
        try (VitalsBesideCall vitals = VITALS ? VitalsBesideCall.prepare(BROKER,
                        org.telekiosk.protocol.KioskId.of("rural-" + login), NAME) : null;
                BrowserOnLink link = BrowserOnLink.open(schedule, seed, tcpPorts, List.of(TURN.port()));
                Chromium doctor = new Chromium(certificate, List.of("--host-resolver-rules=MAP "
                        + NAME + " 127.0.0.1"));
                Chromium kiosk = link.browser(certificate, NAME)) {
            if (vitals != null) {
                // the agent's JVM starts while the pages load; its readings cross the link beside the call
                link.resolve(NAME);
                vitals.start(link.prefix());
            }
            CallPages.openDoctorConsole(doctor, fixture, BROKER.origin());
            TurnHostRewrite.install(doctor, NAME, java.net.InetAddress.getLoopbackAddress());
            long loadStart = System.nanoTime();
            CallPages.openKioskPage(kiosk, "https://" + NAME + ":" + https);
            double pageLoadMs = (System.nanoTime() - loadStart) / 1e6;
            TurnHostRewrite.install(kiosk, NAME, link.hostAddress());
            CallPages.enterCode(kiosk, fixture.code());
            CallProbe.watchFirstFrame(doctor);
            CallProbe.watchFirstFrame(kiosk);
            CallProbe.watchSetup(kiosk);
            long admittedAt;
            try {
                // on a loaded machine under edge the kiosk page's join took more than 60 s once (the whole run was
                // lost): a join that does not happen is this run's figure, not the benchmark's end
                CallPages.admitWaitingPatient(doctor, Duration.ofSeconds(120));
                admittedAt = CallProbe.now(doctor);
                Chromium.await("first frames under " + name, Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> CallProbe.firstFrameAt(doctor) > 0 && CallProbe.firstFrameAt(kiosk) > 0);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                return new Run(false, pageLoadMs, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                        Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                        Double.NaN, "", "", link.udpCounters() + " " + link.tcpCounters(), null,
                        VitalsBesideCall.Figures.none(), Map.of());
            }
            double setupMs = Math.max(CallProbe.firstFrameAt(doctor), CallProbe.firstFrameAt(kiosk)) - admittedAt;
            // where the set-up's time goes, at the kiosk: ms after the admission for each phase reached
            Map<String, Double> phases = new LinkedHashMap<>();
            Map<String, Object> stamps = new LinkedHashMap<>(CallProbe.setup(kiosk));
            stamps.put("frame", CallProbe.firstFrameAt(kiosk));
            stamps.put("doctor-frame", CallProbe.firstFrameAt(doctor));
            stamps.forEach((phase, at) -> {
                if (at instanceof Number n) {
                    phases.put(phase, n.doubleValue() - admittedAt);
                }
            });
            System.out.println("RuralCallBenchmark " + name + " set-up at the kiosk (ms after admission): " + phases
                    + ", first relay candidate over " + stamps.get("candidateOver"));
            CallProbe.watchRungs(doctor);
            pause(SETTLE);
            java.time.Instant from = java.time.Instant.now();
            long mqttUp0 = vitals == null ? 0 : VitalsBesideCall.bytesUp(link.tcpCounters(mqtt));
            CallProbe.Snapshot doctor0 = CallProbe.snapshot(doctor);
            CallProbe.Snapshot kiosk0 = CallProbe.snapshot(kiosk);
            pause(window);
            CallProbe.Snapshot doctor1 = CallProbe.snapshot(doctor);
            CallProbe.Snapshot kiosk1 = CallProbe.snapshot(kiosk);
            java.time.Instant to = java.time.Instant.now();
            long mqttUp = vitals == null ? 0 : VitalsBesideCall.bytesUp(link.tcpCounters(mqtt)) - mqttUp0;
            CallProbe.Rungs rungs = CallProbe.rungs(doctor);
            double resumeMs = cut ? resumeAfterCut(link, steady, seed, doctor, kiosk) : Double.NaN;
            double reconnects = ((Number) kiosk.script("return window.telekiosk.signal.welcomes")).doubleValue() - 1;
            // the call still runs while the agent drains: everything it took reaches the store and the viewer
            VitalsBesideCall.Figures vitalsFigures = vitals == null ? VitalsBesideCall.Figures.none()
                    : vitals.finish(from, to, mqttUp);
            return new Run(true, pageLoadMs, setupMs, doctor1.concealedPercentSince(doctor0),
                    kiosk1.concealedPercentSince(kiosk0), 1000 * kiosk1.roundTripSeconds(),
                    doctor1.lossPercentSince(doctor0), kiosk1.lossPercentSince(kiosk0),
                    1000 * kiosk1.audioJitterSeconds(), kiosk1.outKbitPerSecondSince(kiosk0),
                    kiosk1.inKbitPerSecondSince(kiosk0), doctor1.framesPerSecondSince(doctor0),
                    kiosk1.framesPerSecondSince(kiosk0), resumeMs, reconnects,
                    String.valueOf(CallStats.selectedLocalCandidateOfCall(kiosk).get("relayProtocol")),
                    "doctor " + iceState(doctor) + ", kiosk " + iceState(kiosk),
                    "udp " + link.udpCounters() + ", tcp " + link.tcpCounters(), rungs, vitalsFigures, phases);
        }
    }

    /** A 20 s blackout, then {@code after}: ms from the link's return until both ends decode new frames. */
    private static double resumeAfterCut(BrowserOnLink link, LinkProfile after, long seed, Chromium doctor,
            Chromium kiosk) {
        link.link().switchTo(LinkSchedule.once("cut", List.of(LinkSchedule.Phase.fixed(LinkProfile.blackout(), CUT),
                LinkSchedule.Phase.fixed(after, Duration.ofSeconds(1))), seed));
        long back = System.nanoTime() + CUT.toNanos();
        Awaitility.await().atMost(CUT.plusSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> System.nanoTime() >= back);
        long doctorFrames = CallProbe.snapshot(doctor).framesDecoded();
        long kioskFrames = CallProbe.snapshot(kiosk).framesDecoded();
        try {
            Chromium.await("frames again after the cut", Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> CallProbe.snapshot(doctor).framesDecoded() > doctorFrames
                            && CallProbe.snapshot(kiosk).framesDecoded() > kioskFrames);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return Double.POSITIVE_INFINITY;
        }
        return (System.nanoTime() - back) / 1e6;
    }

    /** ICE and connection state of the page's call, and how many ICE restarts the page's peer connection saw. */
    private static String iceState(Chromium page) {
        return String.valueOf(page.script("const pc = window.telekiosk?.call?.pc; return pc ? pc.iceConnectionState"
                + " + '/' + pc.connectionState : 'no call'"));
    }

    /** A measurement window: the call runs while the benchmark waits (nothing to synchronise with). */
    private static void pause(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        Awaitility.await().atMost(duration.plusSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> System.nanoTime() >= end);
    }

    private static String table(Map<String, List<Run>> results, int runs, Duration window, long seed) {
        StringBuilder out = new StringBuilder("RuralCallBenchmark: medians of " + runs + " runs per profile, window "
                + window.toSeconds() + " s, seeds " + seed + ".." + (seed + runs - 1) + "\n\n"
                + "| profile | connected | kiosk page load | admit → first frame both ends | concealed up"
                + " | concealed down | RTT | loss up | loss down | jitter down | kbit/s up | kbit/s down"
                + " | fps at doctor | fps at kiosk | resume after 20 s cut | signaling reconnects |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        results.forEach((name, list) -> {
            List<Run> ok = list.stream().filter(Run::connected).toList();
            out.append("| `").append(name).append("` | ").append(ok.size()).append('/').append(list.size())
                    .append(" | ").append(ms(median(list, Run::pageLoadMs)))
                    .append(" | ").append(ms(median(ok, Run::setupMs)))
                    .append(" | ").append(pct(median(ok, Run::concealedUpPercent)))
                    .append(" | ").append(pct(median(ok, Run::concealedDownPercent)))
                    .append(" | ").append(ms(median(ok, Run::rttMs)))
                    .append(" | ").append(pct(median(ok, Run::lossUpPercent)))
                    .append(" | ").append(pct(median(ok, Run::lossDownPercent)))
                    .append(" | ").append(ms(median(ok, Run::jitterDownMs)))
                    .append(" | ").append(num(median(ok, Run::upKbps)))
                    .append(" | ").append(num(median(ok, Run::downKbps)))
                    .append(" | ").append(num(median(ok, Run::fpsAtDoctor)))
                    .append(" | ").append(num(median(ok, Run::fpsAtKiosk)))
                    .append(" | ").append(ms(median(ok, Run::resumeMs)))
                    .append(" | ").append(num(median(ok, Run::signalingReconnects))).append(" |\n");
        });
        return out.toString();
    }

    /**
     * The ladder per profile, medians over the runs: from the first decoded frames at both ends to the window's end
     * (the settle included), the share of that time on each rung, the worst rung reached and when it was first left
     * video, the changes per minute, and the shortest gap between two changes over all runs.
     */
    private static String ladderTable(Map<String, List<Run>> results, Duration window) {
        StringBuilder out = new StringBuilder("| profile | s judged | video | video-low | audio | text | worst rung |"
                + " first step down | changes / min | shortest gap between changes | rungs in order (run 1) |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|\n");
        results.forEach((name, list) -> {
            List<Run> ok = list.stream().filter(r -> r.rungs() != null).toList();
            if (ok.isEmpty()) {
                return;
            }
            long minGap = ok.stream().mapToLong(r -> r.rungs().minGapMs()).filter(g -> g >= 0).min().orElse(-1);
            String worst = ok.stream().map(r -> r.rungs().worst()).max(java.util.Comparator.comparingInt(
                    r -> List.of("video", "video-low", "audio", "text").indexOf(r))).orElse("");
            out.append("| `").append(name).append("` | ").append(num(median(ok, r -> r.rungs().windowMs() / 1000.0)));
            for (String rung : List.of("video", "video-low", "audio", "text")) {
                out.append(" | ").append(pct(median(ok, r -> r.rungs().sharePercent(rung))));
            }
            out.append(" | `").append(worst).append("` | ")
                    .append(ms(median(ok, r -> r.rungs().firstChangeMs() < 0 ? Double.NaN : r.rungs().firstChangeMs())))
                    .append(" | ").append(String.format("%.2f", median(ok, r -> r.rungs().changesPerMinute())))
                    .append(" | ").append(minGap < 0 ? "–" : String.format("%,d ms", minGap))
                    .append(" | ").append(String.join(" → ", ok.getFirst().rungs().sequence())).append(" |\n");
        });
        return out.toString();
    }

    /**
     * Where the set-up's time goes, per profile, medians over the connected runs: ms after the doctor's admission at
     * which the kiosk's page had its peer connection, the doctor's offer, its first relay candidate, ICE checking,
     * ICE connected, DTLS connected and its first decoded frame, and the doctor's first decoded frame.
     */
    private static String phaseTable(Map<String, List<Run>> results) {
        StringBuilder out = new StringBuilder("| profile | kiosk: peer connection | offer applied | first relay"
                + " candidate | ICE checking | ICE connected | DTLS connected | first frame | doctor: first frame |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        results.forEach((name, list) -> {
            List<Run> ok = list.stream().filter(Run::connected).toList();
            out.append("| `").append(name).append('`');
            for (String phase : List.of("pc", "remote", "candidate", "checking", "ice", "dtls", "frame",
                    "doctor-frame")) {
                out.append(" | ").append(ms(median(ok, r -> r.phases().getOrDefault(phase, Double.NaN))));
            }
            out.append(" |\n");
        });
        return out.toString();
    }

    /**
     * Vitals beside the call per profile: the readings taken in each run's window (after the settle), kiosk's
     * {@code takenAt} → the doctor's vitals socket; p50 and p99 are medians over the runs, max the largest of all;
     * lost and twice are sums over all runs of every reading the agent took (the drain after the window and, under
     * {@code cut}, the 20 s cut included).
     */
    private static String vitalsTable(Map<String, List<Run>> results) {
        StringBuilder out = new StringBuilder("| profile | runs | readings in window | p50 | p99 | max | readings"
                + " taken | lost at viewer | lost in store | twice at viewer | stored twice | MQTT kbit/s up |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        results.forEach((name, list) -> {
            List<VitalsBesideCall.Figures> ok = list.stream().map(Run::vitals).filter(v -> v.count() > 0).toList();
            List<Run> runs = list.stream().filter(r -> r.vitals().count() > 0).toList();
            out.append("| `").append(name).append("` | ").append(ok.size()).append('/').append(list.size())
                    .append(" | ").append(num(median(runs, r -> r.vitals().count())))
                    .append(" | ").append(ms(median(runs, r -> r.vitals().p50Ms())))
                    .append(" | ").append(ms(median(runs, r -> r.vitals().p99Ms())))
                    .append(" | ").append(ms(ok.stream().mapToDouble(VitalsBesideCall.Figures::maxMs).max()
                            .orElse(Double.NaN)))
                    .append(" | ").append(ok.stream().mapToLong(VitalsBesideCall.Figures::highest).sum())
                    .append(" | ").append(ok.stream().mapToLong(VitalsBesideCall.Figures::lostAtViewer).sum())
                    .append(" | ").append(ok.stream().mapToLong(VitalsBesideCall.Figures::lostInStore).sum())
                    .append(" | ").append(ok.stream().mapToLong(VitalsBesideCall.Figures::twiceAtViewer).sum())
                    .append(" | ").append(ok.stream().mapToLong(VitalsBesideCall.Figures::storedTwice).sum())
                    .append(" | ").append(String.format("%.1f", median(runs, r -> r.vitals().bitsPerSecondUp()
                            / 1000))).append(" |\n");
        });
        return out.toString();
    }

    static double median(List<Run> runs, ToDoubleFunction<Run> figure) {
        double[] values = runs.stream().mapToDouble(figure).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    private static String ms(double value) {
        return Double.isNaN(value) ? "–" : Double.isInfinite(value) ? "never" : String.format("%,.0f ms", value);
    }

    private static String pct(double value) {
        return Double.isNaN(value) ? "–" : String.format("%.1f %%", value);
    }

    private static String num(double value) {
        return Double.isNaN(value) ? "–" : String.format("%,.0f", value);
    }
}
