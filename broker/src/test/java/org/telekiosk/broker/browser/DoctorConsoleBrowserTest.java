package org.telekiosk.broker.browser;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.account.SessionLookup;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.consultation.ConsultationState;
import org.telekiosk.broker.server.AccessServices;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.Outcomes;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;
import org.telekiosk.protocol.topic.Topics;

/**
 * Issue 19's doctor console in headless Chromium against a real broker: the doctor logs in with the keyboard, creates
 * a consultation for a kiosk room chosen by its label, sees it in the list with its state, target and access window,
 * and the kiosk's own page is called in; in the call view at 1366×768 and 1920×1080 the video, the SpO2 and pulse
 * tiles, the ECG canvas and the call's controls lie inside the viewport without scrolling; the controls work from the
 * keyboard; logging out ends the session on the server and clears the cookie.
 */
class DoctorConsoleBrowserTest {
    private static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
    private static final Duration WAIT = Chromium.PATIENCE;
    static final List<String> CALL_VIEW = List.of("#remote", "#local", "[data-vital=spo2]", "[data-vital=pulse]",
            "[data-signal=ecg] canvas", "#mute", "#camera", "#end", "#logout");

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @Test
    void aRoomConsultationMadeInTheConsoleCallsTheKioskInAndTheCallViewFitsOneScreen() throws Exception {
        AccessServices services = BROKER.broker().access();
        KioskId kiosk = KioskId.of("console-room-3");
        TestKiosk enrolled = TestKiosk.enroll(BROKER, kiosk, BROKER.broker().enrollment().createToken(kiosk,
                "Zimmer 3, Wismar", AuditActor.system()).line());
        MqttClient mqtt = enrolled.connect(BROKER);
        Account doctor = ConsultationFixture.doctor(services, "dr.console");
        ConsultationFixture named = ConsultationFixture.create(services, doctor); // "Frau Koch", made earlier

        X509Certificate certificate = BROKER.broker().pki().serverChain().getFirst();
        try (Chromium console = new Chromium(certificate, List.of());
                Chromium page = new Chromium(certificate, List.of())) {
            console.driver().get(BROKER.origin() + "/doctor.html");
            await("the login form").atMost(WAIT).until(() -> console.driver().findElement(By.id("login"))
                    .isDisplayed());
            console.driver().findElement(By.id("login-name")).sendKeys("dr.console", Keys.TAB,
                    ConsultationFixture.PASSWORD, Keys.ENTER);
            await("the consultation list with the rooms").atMost(WAIT).until(() -> Boolean.TRUE.equals(
                    console.script("return !document.getElementById('consultations').classList.contains('hidden')"
                            + " && document.querySelectorAll('#create-room option').length > 0"
                            + " && document.querySelectorAll('#consultation-list tr').length > 0")));
            assertEquals("Zimmer 3, Wismar (console-room-3)", console.script(
                    "return document.querySelector('#create-room option[value=\"console-room-3\"]').textContent"));
            String namedRow = rowText(console, named.consultation().id().toString());
            assertTrue(namedRow.contains("Patient/in · patient: Frau Koch") && namedRow.contains("geplant")
                    && namedRow.matches("(?s).*\\d\\d\\.\\d\\d\\.\\d\\d, \\d\\d:\\d\\d – \\d\\d\\.\\d\\d\\.\\d\\d,"
                    + " \\d\\d:\\d\\d.*"), namedRow);

            console.driver().findElement(By.id("target-room")).click();
            new Select(console.driver().findElement(By.id("create-room"))).selectByValue(kiosk.value());
            assertEquals(Boolean.TRUE, console.script("return document.getElementById('target-room').checked"));
            console.driver().findElement(By.cssSelector("#create-form button[type=submit]")).click();
            await("the call view").atMost(WAIT).until(() -> Boolean.TRUE.equals(console.script(
                    "return document.body.classList.contains('in-room') && location.hash.startsWith('#consultation=')")));
            String id = ((String) console.script("return location.hash")).substring("#consultation=".length());

            page.driver().get(BROKER.origin() + enrolled.pageToken(BROKER).path());
            await("the kiosk's page in the waiting room").atMost(WAIT).until(() -> !console.driver()
                    .findElements(By.cssSelector("#waiting li .admit")).isEmpty());
            assertEquals(kiosk.value(), console.script("return document.querySelector('#waiting li .kiosk').textContent"));
            console.script("document.querySelector('#waiting li .admit').click()");
            await("video at both ends").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> console.connectedWithVideo() && page.connectedWithVideo());

            Instant now = Instant.now();
            publish(mqtt, kiosk, new Measurement(kiosk, 1, SensorId.of("max30102"), LoincCode.OXYGEN_SATURATION, 97,
                    UcumUnit.PERCENT, now));
            publish(mqtt, kiosk, new Measurement(kiosk, 2, SensorId.of("max30102"), LoincCode.HEART_RATE, 72,
                    UcumUnit.PER_MINUTE, now));
            for (int second = 0; second < 3; second++) {
                publish(mqtt, kiosk, ecg(kiosk, 3 + second, now.plusSeconds(second)));
            }
            await("SpO2, pulse and the ECG trace").atMost(WAIT).until(() -> Boolean.TRUE.equals(console.script(
                    "return document.querySelector('[data-vital=spo2] .number')?.textContent === '97'"
                    + " && document.querySelector('[data-vital=pulse] .number')?.textContent === '72'"
                    + " && !!document.querySelector('[data-signal=ecg] canvas')")));

            for (int[] size : new int[][] {{1366, 768}, {1920, 1080}}) {
                Viewport.resize(console, size[0], size[1]);
                await("the call view fits " + size[0] + "x" + size[1]).atMost(Duration.ofSeconds(5))
                        .until(() -> Viewport.misfits(console, CALL_VIEW).isEmpty());
                Viewport.screenshot(console, "doctor-call-" + size[0] + "x" + size[1]);
            }

            // Keyboard: Tab walks the call's controls in order; Alt+M mutes; Enter on the focused button acts.
            console.script("document.getElementById('mute').focus()");
            console.driver().switchTo().activeElement().sendKeys(Keys.TAB);
            assertEquals("camera", console.script("return document.activeElement.id"));
            console.driver().switchTo().activeElement().sendKeys(Keys.TAB);
            assertEquals("end", console.script("return document.activeElement.id"));
            console.driver().switchTo().activeElement().sendKeys(Keys.chord(Keys.ALT, "m"));
            assertEquals("true", console.script("return document.getElementById('mute').getAttribute('aria-pressed')"));
            console.driver().switchTo().activeElement().sendKeys(Keys.ENTER); // the end button
            ConsultationId consultation =
                    ConsultationId.of(id);
            await("the consultation ended").atMost(WAIT).until(() -> Outcomes.done(services.consultations()
                    .get(new Caller.Staff(doctor), consultation)).state()
                    == ConsultationState.ENDED);

            console.driver().findElement(By.id("to-list")).click();
            await("the list again").atMost(WAIT).until(() -> rowText(console, id) != null
                    && rowText(console, id).contains("beendet"));
            String roomRow = rowText(console, id);
            assertTrue(roomRow.contains("Kiosk-Raum · kiosk room: Zimmer 3, Wismar (console-room-3)"), roomRow);
            assertTrue(roomRow.contains("beendet · ended"), roomRow);

            Cookie cookie = console.driver().manage().getCookieNamed("tk_session");
            assertNotNull(cookie);
            OpaqueToken token = OpaqueToken.parse(cookie.getValue()).orElseThrow();
            assertInstanceOf(SessionLookup.Active.class, services.logins().authenticate(token));
            console.driver().findElement(By.id("logout")).click();
            await("the login form after logout").atMost(WAIT).until(() -> Boolean.TRUE.equals(console.script(
                    "return !document.getElementById('login').classList.contains('hidden')"
                    + " && document.getElementById('account').classList.contains('hidden')")));
            assertNull(console.driver().manage().getCookieNamed("tk_session"), "the cookie is cleared");
            assertInstanceOf(SessionLookup.Refused.class, services.logins().authenticate(token),
                    "the session ended on the server");
        } finally {
            mqtt.disconnect();
            mqtt.close();
        }
    }

    /** The text of the list's row of {@code consultation}, or null; one script, so a redraw cannot intervene. */
    private static String rowText(Chromium browser, String consultation) {
        return (String) browser.script("const r = document.querySelector('#consultation-list tr[data-consultation=\""
                + consultation + "\"]'); return r ? r.textContent.replace(/\\s+/g, ' ') : null");
    }

    /** One second of a 250 Hz ECG-like trace. */
    private static WaveformBatch ecg(KioskId kiosk, long seq, Instant start) {
        List<Integer> samples = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            samples.add(i % 200 < 5 ? 1500 : (i % 50) * 4);
        }
        return new WaveformBatch(kiosk, seq, SensorId.of("ads1115"), Signal.ECG, UcumUnit.MILLIVOLT, 250, start,
                0.001, samples);
    }

    private static void publish(MqttClient client, KioskId kiosk, KioskMessage message) throws Exception {
        MqttMessage mqtt = new MqttMessage(CBOR.encode(message));
        mqtt.setQos(1);
        client.publish(Topics.measurements(kiosk), mqtt);
    }
}
