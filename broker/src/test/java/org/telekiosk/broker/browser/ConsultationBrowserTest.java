package org.telekiosk.broker.browser;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.RequiredPrograms;
import org.telekiosk.broker.testing.RequiredPrograms.Program;

/**
 * Issue 3 end to end in two headless Chromium processes against a real broker: the doctor logs in on the console
 * (REST API, tk_session cookie) and creates a consultation with a join code; the kiosk page joins with the code; they
 * set up a WebRTC call through /ws/signal and both decode video; after the patient's socket is cut the page resumes
 * its seat and the call recovers without a new admission. The patient's page reports its join time once: the
 * broker's {@code telekiosk_join_seconds} histogram counts one more, and still one after the resume.
 */
@RequiredPrograms({Program.CHROMIUM, Program.CHROMEDRIVER})
class ConsultationBrowserTest {
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @Test
    void theDoctorLogsInCreatesAConsultationAdmitsThePatientBothSeeVideoAndACutPatientSocketRecovers()
            throws Exception {
        ConsultationFixture.doctor(BROKER.broker().access(), "dr.weber");
        X509Certificate certificate = BROKER.broker().pki().serverChain().getFirst();
        try (Chromium doctor = new Chromium(certificate, List.of());
                Chromium patient = new Chromium(certificate, List.of())) {
            doctor.driver().get(BROKER.origin() + "/doctor.html");
            Chromium.await("the login form", Chromium.PATIENCE).until(() -> doctor.displayed("#login"));
            doctor.driver().findElement(By.id("login-name")).sendKeys("dr.weber");
            doctor.driver().findElement(By.id("login-password")).sendKeys(ConsultationFixture.PASSWORD);
            doctor.driver().findElement(By.cssSelector("#login-form button")).click();
            Chromium.await("the consultation list", Chromium.PATIENCE)
                    .until(() -> doctor.displayed("#consultations"));
            doctor.driver().findElement(By.id("create-name")).sendKeys("Frau Koch");
            doctor.driver().findElement(By.cssSelector("#create-form button")).click();
            java.util.regex.Pattern shape = java.util.regex.Pattern.compile("[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}"
                    + "-[2-9A-HJKMNP-Z]{3}");
            Chromium.await("the join code on the console", Chromium.PATIENCE)
                    .until(() -> shape.matcher(String.valueOf(doctor.text("#code"))).find());
            java.util.regex.Matcher code = shape.matcher(doctor.text("#code"));
            assertTrue(code.find());

            patient.driver().get(BROKER.origin() + "/kiosk.html");
            double joinsBefore = joinSample("telekiosk_join_seconds_count");
            double mediaJoinsBefore = joinSample("telekiosk_join_media_seconds_count");
            long enteredAt = System.nanoTime();
            patient.driver().findElement(By.id("code")).sendKeys(code.group());
            patient.driver().findElement(By.cssSelector("#code-form button")).click();

            try {
                await("the patient in the doctor's waiting room").atMost(Chromium.PATIENCE)
                        .until(() -> !doctor.driver().findElements(By.cssSelector("#waiting li .admit")).isEmpty());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("doctor: " + doctor.describe() + "\npatient: " + patient.describe(), e);
            }
            // The list is redrawn on every change (readiness, round trip): read and click it in one script.
            assertEquals("Frau Koch", doctor.script("return document.querySelector('#waiting li .name').textContent"));
            doctor.script("document.querySelector('#waiting li .admit').click()");

            await("video decoded at both ends").atMost(Chromium.PATIENCE).pollInterval(Duration.ofMillis(200))
                    .until(() -> doctor.connectedWithVideo() && patient.connectedWithVideo());

            // The page reports its join time once its media connected: one more in each histogram.
            await("the join time in the broker's histograms").atMost(Chromium.PATIENCE)
                    .until(() -> joinSample("telekiosk_join_seconds_count") == joinsBefore + 1
                            && joinSample("telekiosk_join_media_seconds_count") == mediaJoinsBefore + 1);
            double joinSeconds = joinSample("telekiosk_join_seconds_sum");
            assertTrue(joinSeconds > 0 && joinSeconds <= (System.nanoTime() - enteredAt) / 1e9,
                    "the page's join time lies within the test's own: " + joinSeconds);
            assertTrue(joinSample("telekiosk_join_media_seconds_sum") <= joinSeconds);

            long before = patient.framesDecoded();
            patient.script("window.telekiosk.signal.socket.close()");
            await("the patient's page resumed its seat").atMost(Chromium.PATIENCE)
                    .until(() -> ((Number) patient.script("return window.telekiosk.signal.welcomes")).intValue() == 2);
            assertEquals("in-call", patient.script("return window.telekiosk.signal.status"),
                    "resumed straight into the call");
            await("video flows again after the ICE restart").atMost(Chromium.PATIENCE)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> patient.framesDecoded() > before + 30 && patient.connectedWithVideo()
                            && doctor.connectedWithVideo());
            assertTrue(doctor.driver().findElements(By.cssSelector("#waiting li")).isEmpty(),
                    "the patient never went back to the waiting room");
            Chromium.await("both in the doctor's participant list", Chromium.PATIENCE).until(() ->
                    doctor.driver().findElements(By.cssSelector("#participants li")).size() == 2);
            // Connected again after the resume: still one join for this seat.
            assertEquals(joinsBefore + 1, joinSample("telekiosk_join_seconds_count"));
        }
    }

    /** A sample of the broker's Prometheus metrics (its loopback listener), 0 when the line is missing. */
    private static double joinSample(String name) throws Exception {
        String text = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                BROKER.broker().metricsUrl().orElseThrow()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return text.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(name.length() + 1))).findFirst().orElse(0);
    }

    @Test
    void theRealPipelineRefusesAForeignOriginAndClosesAnOversizedMessageWith1009() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().sslContext(BROKER.tls()).build();
        java.net.URI uri = java.net.URI.create("wss://localhost:" + BROKER.broker().httpsPort() + "/ws/signal");
        java.util.concurrent.CompletionException refused = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.CompletionException.class, () -> http.newWebSocketBuilder()
                        .header("Origin", "https://evil.example").buildAsync(uri, new java.net.http.WebSocket.Listener() {
                        }).join());
        assertTrue(refused.getCause() instanceof java.net.http.WebSocketHandshakeException handshake
                && handshake.getResponse().statusCode() == 403, String.valueOf(refused.getCause()));

        java.util.concurrent.CompletableFuture<Integer> closed = new java.util.concurrent.CompletableFuture<>();
        java.net.http.WebSocket socket = http.newWebSocketBuilder().header("Origin", BROKER.origin())
                .buildAsync(uri, new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket ws, int code,
                            String reason) {
                        closed.complete(code);
                        return null;
                    }
                }).join();
        socket.sendText("{\"type\":\"offer\",\"sdp\":\"" + "v".repeat(70_000) + "\"}", true);
        assertEquals(1009, closed.get(10, java.util.concurrent.TimeUnit.SECONDS));
    }

    static void openDoctorConsole(Chromium doctor, ConsultationFixture fixture, BrokerExtension BROKER) {
        CallPages.openDoctorConsole(doctor, fixture, BROKER.origin());
    }
}
