package org.telekiosk.broker.browser;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.consultation.ConsultationTarget;
import org.telekiosk.broker.server.AccessServices;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.Outcomes;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.topic.Topics;

/**
 * Issue 19's kiosk page in headless Chromium (fake camera and microphone) against a real broker: the pre-call check
 * before the waiting room (picture, microphone level, test tone, round trip and bandwidth, in plain German), its
 * results in the doctor's readiness (the readiness badges, and each result of the signaling message {@code check} in
 * the console's waiting room, with the figures the kiosk page showed); every state of the page (check, waiting, call, over, start) fits the Pi touch
 * displays, 800×480 landscape and 720×1280 portrait, without scrolling and with every touch target at least 48 CSS
 * px; after the consultation the page resets itself (here after 10 s) to a fresh start screen with nothing of the
 * patient left in it.
 */
class KioskLayoutBrowserTest {
    private static final Duration WAIT = Chromium.PATIENCE;
    private static final int[][] DISPLAYS = {{800, 480}, {720, 1280}};

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @Test
    void thePreCheckedKioskPageFitsThePiDisplaysInEveryStateAndResetsItselfAfterTheConsultation() throws Exception {
        KioskId kiosk = KioskId.of("layout-kiosk-1");
        TestKiosk enrolled = TestKiosk.enroll(BROKER, kiosk);
        MqttClient mqtt = enrolled.connect(BROKER);
        AccessServices services = BROKER.broker().access();
        Account doctor = ConsultationFixture.doctor(services, "dr.layout");
        Consultation room = Outcomes.done(services.consultations().create(new Caller.Staff(doctor),
                new ConsultationTarget.Room(kiosk), Optional.empty()));
        ConsultationFixture fixture = new ConsultationFixture(services.sessions().start(doctor.id()).token(), room,
                "");
        X509Certificate certificate = BROKER.broker().pki().serverChain().getFirst();
        try (Chromium console = new Chromium(certificate, List.of());
                Chromium page = new Chromium(certificate, List.of())) {
            ConsultationBrowserTest.openDoctorConsole(console, fixture, BROKER);
            Viewport.resize(page, 800, 480);
            page.driver().get(BROKER.origin() + enrolled.pageToken(BROKER).path()
                    .replace("/kiosk.html", "/kiosk.html?check-wait=120&idle-reset=10"));

            // The check runs by itself; a tap on the test tone starts the page's audio, and a second run then
            // measures the microphone (Chromium's fake microphone beeps).
            // The connection's verdict is the machine's: "warn" (slow) on a loaded build machine is a right answer,
            // checked below against the figures the page measured.
            await("the camera and connection results").atMost(WAIT).until(() -> String.valueOf(page.script(
                    "return ['check-camera', 'check-connection'].map(i => document.getElementById(i).dataset.result)"
                    + ".join(' ')")).matches("ok (ok|warn)"));
            page.driver().findElement(By.id("tone-play")).click();
            page.driver().findElement(By.id("check-again")).click();
            page.driver().findElement(By.id("tone-heard")).click();
            try {
                await("the second run with the microphone heard").atMost(WAIT).until(() -> String.valueOf(
                        page.script("return ['check-camera', 'check-microphone', 'check-connection', 'check-speaker']"
                                + ".map(i => document.getElementById(i).dataset.result).join(' ')"))
                        .matches("ok ok (ok|warn) ok"));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(String.valueOf(page.script("return document.getElementById('check').textContent"
                        + " + ' peak=' + document.getElementById('mic-level').dataset.peak")), e);
            }
            @SuppressWarnings("unchecked")
            Map<String, String> texts = (Map<String, String>) page.script("return Object.fromEntries("
                    + "['check-camera','check-microphone','check-speaker','check-connection','check-summary']"
                    + ".map(i => [i, document.getElementById(i).textContent.replace(/\\s+/g, ' ').trim()]))");
            assertTrue(texts.get("check-camera").startsWith("Kamera: Wir sehen Ihr Bild."), texts.toString());
            assertTrue(texts.get("check-microphone").startsWith("Mikrofon: Wir hören Sie."), texts.toString());
            assertTrue(texts.get("check-speaker").startsWith("Lautsprecher: Sie hören den Ton."), texts.toString());
            java.util.regex.Matcher verdict = java.util.regex.Pattern.compile("Verbindung: (gut|langsam|sehr langsam)"
                    + " \\(Antwortzeit (\\d+) ms, etwa ([\\d.,]+) (M|k)bit/s\\)\\..*").matcher(texts.get("check-connection"));
            assertTrue(verdict.matches(), texts.toString());
            // good exactly when the page's own thresholds say so: 400 ms, and 1 Mbit/s (shown in Mbit/s from there)
            boolean good = "gut".equals(verdict.group(1));
            assertEquals(Integer.parseInt(verdict.group(2)) <= 400 && "M".equals(verdict.group(4)), good,
                    texts.toString());
            assertTrue(texts.get("check-summary").startsWith("Alles bereit."), texts.toString());
            fitsEverywhere(page, "check", List.of("#check-video", "#check-camera", "#check-microphone",
                    "#check-speaker", "#check-connection", "#check-continue", "#check-again", "#tone-play"));

            page.driver().findElement(By.id("check-continue")).click();
            await("the kiosk's patient in the doctor's waiting room").atMost(WAIT).until(() -> Boolean.TRUE.equals(
                    console.script("const b = document.querySelector('#waiting li .camera');"
                            + "return !!b && b.classList.contains('ok')"
                            + " && document.querySelector('#waiting li .microphone').classList.contains('ok')")));
            fitsEverywhere(page, "waiting", List.of("#waiting-text", "#leave-waiting"));

            // The check's results reach the doctor's readiness view (signaling 'check'), in plain German first, with
            // the figures the patient's page showed. Read through one script call: the list re-renders on events.
            java.util.regex.Matcher figures = java.util.regex.Pattern.compile(
                    "Antwortzeit (\\d+) ms, etwa ([\\d.,]+ (?:M|k)bit/s)").matcher(texts.get("check-connection"));
            assertTrue(figures.find(), texts.get("check-connection"));
            String connection = "Verbindung: " + figures.group(2) + ", " + figures.group(1) + " ms";
            String checkScript = "const c = document.querySelector('#waiting li .pre-check');"
                    + "return c ? [...c.querySelectorAll('.check')].map(b => b.dataset.check + '|'"
                    + " + b.className + '|' + b.textContent).join('\\n') : ''";
            try {
                await("the check's results in the doctor's console").atMost(WAIT).until(() -> String.valueOf(
                        console.script(checkScript)).contains("\nconnection|"));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("console: " + console.script(
                        "return document.getElementById('waiting').textContent"), e);
            }
            List<String> seen = List.of(String.valueOf(console.script(checkScript)).split("\n"));
            assertEquals(List.of(
                    "camera|badge check ok|Kamera: Bild gesehen · camera: picture seen",
                    "microphone|badge check ok|Mikrofon: gehört · microphone: heard",
                    "speaker|badge check ok|Lautsprecher: gehört · speaker: heard",
                    "connection|badge check " + (good ? "ok" : "no") + "|" + connection + " · "
                            + connection.replace("Verbindung", "connection")),
                    seen, "the doctor sees what the patient's page checked");
            Viewport.resize(console, 1366, 768);
            Viewport.screenshot(console, "doctor-waiting-1366x768");

            console.script("document.querySelector('#waiting li .admit').click()");
            await("video at both ends").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> console.connectedWithVideo() && page.connectedWithVideo());
            MqttMessage reading = new MqttMessage(WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES).encode(new Measurement(
                    kiosk, 1, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, 37.2, UcumUnit.CELSIUS,
                    Instant.now())));
            reading.setQos(1);
            mqtt.publish(Topics.measurements(kiosk), reading);
            await("the reading on the kiosk page").atMost(WAIT).until(() -> "37,2".equals(page.script(
                    "return document.querySelector('#vitals [data-vital=temperature] .number')?.textContent")));
            fitsEverywhere(page, "call", List.of("#remote", "#local", "#vitals", "#vitals [data-vital=temperature]",
                    "#mute", "#camera", "#leave"));

            // The doctor pins the audio rung: the picture goes, the kiosk shows its guidance, and the readings and
            // the buttons must still fit beside it.
            console.script("const pin = document.getElementById('pin'); pin.value = 'audio';"
                    + " pin.dispatchEvent(new Event('change'))");
            await("the kiosk on the audio rung with its guidance").atMost(WAIT).until(() -> Boolean.TRUE.equals(
                    page.script("return document.body.dataset.rung === 'audio'"
                            + " && !document.getElementById('link-guidance').hidden")));
            fitsEverywhere(page, "call-audio", List.of("#link-guidance", "#vitals", "#vitals [data-vital=temperature]",
                    "#mute", "#camera", "#leave"));
            console.script("const pin = document.getElementById('pin'); pin.value = '';"
                    + " pin.dispatchEvent(new Event('change'))");

            Viewport.resize(page, 800, 480);
            console.script("document.getElementById('end').click()");
            List<String> over = List.of("#over-text", "#reset-text", "#start-over");
            await("the consultation over on the kiosk, fitting 800x480").atMost(WAIT).until(() -> "over".equals(
                    page.script("return document.body.dataset.state")) && Viewport.misfits(page, over).isEmpty()
                    && Viewport.smallTargets(page, 48).isEmpty());
            page.script("window.beforeReset = true");
            Viewport.screenshot(page, "kiosk-over-800x480");
            Viewport.resize(page, 720, 1280);
            assertEquals("over", page.script("return document.body.dataset.state"), "still before the reset");
            Viewport.assertFits(page, "over at 720x1280", over);
            assertEquals(List.of(), Viewport.smallTargets(page, 48), "over: touch targets");

            await("the idle reset to a fresh start screen").atMost(WAIT).until(() -> Boolean.TRUE
                    .equals(page.script("return window.beforeReset === undefined"
                            + " && ['check', 'enter'].includes(document.body.dataset.state)")));
            @SuppressWarnings("unchecked")
            Map<String, Object> after = (Map<String, Object>) page.script("return {"
                    + "text: document.body.innerText,"
                    + "remote: document.getElementById('remote').srcObject === null,"
                    + "participants: document.querySelectorAll('#participants li').length,"
                    + "stored: localStorage.length + sessionStorage.length,"
                    + "navigation: performance.getEntriesByType('navigation')[0].type}");
            String text = (String) after.get("text");
            // The temperature with its unit: the fresh pre-call check may measure "37,2 Mbit/s" (it once did).
            assertTrue(!java.util.regex.Pattern.compile("37,2\\s*°C").matcher(text).find()
                    && !text.contains("Dr. Anna Weber") && !text.contains("beendet"),
                    "nothing of the consultation on the start screen: " + text);
            assertEquals(Boolean.TRUE, after.get("remote"), "no picture of the doctor's side left");
            assertEquals(0L, after.get("participants"));
            assertEquals(0L, after.get("stored"));
            // A fresh load checks again; the room consultation has ended, so the page then offers the code entry.
            page.script("document.getElementById('check-continue').click()");
            await("the code entry").atMost(WAIT).until(() -> "enter".equals(
                    page.script("return document.body.dataset.state")));
            fitsEverywhere(page, "enter", List.of("#code", "#code-form button"));
        } finally {
            mqtt.disconnect();
            mqtt.close();
        }
    }

    /** The page's current state fits both Pi displays, with every touch target at least 48 px; screenshots. */
    private static void fitsEverywhere(Chromium page, String state, List<String> selectors) throws Exception {
        for (int[] size : DISPLAYS) {
            Viewport.resize(page, size[0], size[1]);
            String what = state + " at " + size[0] + "x" + size[1];
            // Up to WAIT: at load 51 one look (a script call) once took over 5 s, the earlier bound (loop run 4).
            // what does not fit, named in the failure (Hamcrest's message shows the last list)
            await(what + " fits").atMost(WAIT).until(() -> {
                List<String> wrong = new java.util.ArrayList<>(Viewport.misfits(page, selectors));
                wrong.addAll(Viewport.smallTargets(page, 48));
                return wrong;
            }, org.hamcrest.Matchers.empty());
            Viewport.screenshot(page, "kiosk-" + state + "-" + size[0] + "x" + size[1]);
        }
    }
}
