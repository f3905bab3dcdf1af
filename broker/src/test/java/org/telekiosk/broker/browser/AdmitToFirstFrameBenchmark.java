package org.telekiosk.broker.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.telekiosk.broker.config.BrokerConfig;
import org.telekiosk.broker.config.BrokerConfigLoader;
import org.telekiosk.broker.server.Broker;

/**
 * Benchmark (not a test): from the doctor's click on "admit" to the first decoded video frame at the patient's and
 * at the doctor's end, through a real broker and two headless Chromium processes on this machine. Times are the
 * pages' own {@code Date.now()} (one machine, one clock): the click is stamped in the doctor's page, each page polls
 * its own {@code getStats()} every 10 ms. Prints each run and the medians. Usage: {@code AdmitToFirstFrameBenchmark
 * [runs]} (default 12); the command is in docs/benchmarks.md.
 */
public final class AdmitToFirstFrameBenchmark {
    private static final String WATCH = "window.firstFrameAt = null; const t = setInterval(async () => {"
            + " if (!window.telekiosk) return; const s = await window.telekiosk.videoStats();"
            + " if (s.framesDecoded > 0) { window.firstFrameAt = Date.now(); clearInterval(t); } }, 10);";

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        Path data = Files.createTempDirectory("telekiosk-benchmark");
        Map<String, String> overrides = new HashMap<>(Map.of("data.dir", data.toString(), "https.bind", "127.0.0.1",
                "https.port", "0", "mqtt.bind", "127.0.0.1", "mqtt.port", "0", "metrics.port", "0"));
        BrokerConfig config = BrokerConfigLoader.load(Optional.empty(), overrides);
        List<Long> patientMillis = new ArrayList<>();
        List<Long> doctorMillis = new ArrayList<>();
        try (Broker broker = Broker.start(config, Clock.systemUTC(), Map.of())) {
            String origin = "https://localhost:" + broker.httpsPort();
            X509Certificate certificate = broker.pki().serverChain().getFirst();
            try (Chromium doctor = new Chromium(certificate, List.of());
                    Chromium patient = new Chromium(certificate, List.of())) {
                CallPages.openSameOrigin(doctor, origin + "/healthz");
                var account = ConsultationFixture.doctor(broker.access(), "dr.bench");
                for (int run = 0; run <= runs; run++) {
                    ConsultationFixture fixture = ConsultationFixture.create(broker.access(), account);
                    doctor.driver().manage().addCookie(new Cookie.Builder("tk_session", fixture.session().value())
                            .path("/").isSecure(true).isHttpOnly(true).sameSite("Strict").build());
                    doctor.driver().get(origin + "/doctor.html#consultation=" + fixture.consultation().id());
                    doctor.driver().navigate().refresh();
                    patient.driver().get(origin + "/kiosk.html");
                    patient.driver().findElement(By.id("code")).sendKeys(fixture.code());
                    patient.driver().findElement(By.cssSelector("#code-form button")).click();
                    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(
                            () -> !doctor.driver().findElements(By.cssSelector("#waiting li .admit")).isEmpty());
                    patient.script(WATCH);
                    doctor.script(WATCH);
                    long admitAt = ((Number) doctor.script("const at = Date.now();"
                            + " document.querySelector('#waiting li .admit').click(); return at;")).longValue();
                    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(
                            () -> doctor.script("return window.firstFrameAt") != null
                                    && patient.script("return window.firstFrameAt") != null);
                    long atPatient = ((Number) patient.script("return window.firstFrameAt")).longValue() - admitAt;
                    long atDoctor = ((Number) doctor.script("return window.firstFrameAt")).longValue() - admitAt;
                    if (run == 0) {
                        System.out.printf("warm-up: patient %d ms, doctor %d ms%n", atPatient, atDoctor);
                        continue;
                    }
                    patientMillis.add(atPatient);
                    doctorMillis.add(atDoctor);
                    System.out.printf("run %2d: patient %4d ms, doctor %4d ms%n", run, atPatient, atDoctor);
                }
            }
        } finally {
            try (var files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.out.printf("admit -> first decoded frame over %d runs: patient median %d ms (%d..%d), doctor median %d ms"
                + " (%d..%d)%n", runs, median(patientMillis), min(patientMillis), max(patientMillis),
                median(doctorMillis), min(doctorMillis), max(doctorMillis));
        System.exit(0);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static long min(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).min().orElse(0);
    }

    private static long max(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).max().orElse(0);
    }
}
