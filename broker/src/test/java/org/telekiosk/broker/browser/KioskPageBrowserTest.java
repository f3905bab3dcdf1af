package org.telekiosk.broker.browser;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.consultation.ConsultationTarget;
import org.telekiosk.broker.server.AccessServices;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.Outcomes;
import org.telekiosk.broker.testing.RequiredPrograms;
import org.telekiosk.broker.testing.RequiredPrograms.Program;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.downlink.CommandKind;
import org.telekiosk.protocol.enrollment.KioskPageToken;
import org.telekiosk.protocol.telemetry.CommandUpdate;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.SensorHealth;
import org.telekiosk.protocol.telemetry.SensorState;
import org.telekiosk.protocol.topic.Topics;

/**
 * Issue 3's kiosk page end to end in two headless Chromium processes against a real broker: an enrolled kiosk asks
 * for a kiosk page token over mutual TLS and sends its status over MQTT; its page, opened with the token in the URL
 * fragment, is called into the kiosk's room consultation without a code; the doctor sees the patient waiting with
 * each sensor's state as the kiosk reported it, admits, and video flows both ways (fake media, as in
 * {@link ConsultationBrowserTest}).
 */
@RequiredPrograms({Program.CHROMIUM, Program.CHROMEDRIVER})
class KioskPageBrowserTest {
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    static final KioskId KIOSK = KioskId.of("browser-kiosk-1");

    @Test
    void theKiosksOwnPageIsCalledInWithoutACodeAndTheDoctorSeesItsSensorsAndTalksToIt() throws Exception {
        TestKiosk kiosk = TestKiosk.enroll(BROKER, KIOSK);
        MqttClient mqtt = kiosk.connect(BROKER);
        MqttMessage status = new MqttMessage(WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES).encode(new KioskStatus(KIOSK,
                Instant.now(), List.of(new SensorHealth(SensorId.of("mlx90614"), SensorState.PRESENT, ""),
                        new SensorHealth(SensorId.of("hx711"), SensorState.ABSENT, "no answer on GPIO 5/6")), 0, 0)));
        status.setQos(1);
        mqtt.publish(Topics.status(KIOSK), status);

        AccessServices services = BROKER.broker().access();
        Account doctor = ConsultationFixture.doctor(services, "dr.weber");
        OpaqueToken session = services.sessions().start(doctor.id()).token();
        Consultation room = Outcomes.done(services.consultations().create(new Caller.Staff(doctor),
                new ConsultationTarget.Room(KIOSK), Optional.empty()));
        KioskPageToken token = kiosk.pageToken(BROKER);

        X509Certificate certificate = BROKER.broker().pki().serverChain().getFirst();
        try (Chromium doctorBrowser = new Chromium(certificate, List.of());
                Chromium page = new Chromium(certificate, List.of())) {
            CallPages.openSameOrigin(doctorBrowser, BROKER.origin() + "/healthz");
            doctorBrowser.driver().manage().addCookie(new Cookie.Builder("tk_session", session.value())
                    .path("/").isSecure(true).isHttpOnly(true).sameSite("Strict").build());
            doctorBrowser.driver().get(BROKER.origin() + "/doctor.html#consultation=" + room.id());

            page.driver().get(BROKER.origin() + token.path());
            try {
                await("the kiosk's patient in the doctor's waiting room").atMost(Chromium.PATIENCE)
                        .until(() -> !doctorBrowser.driver().findElements(
                                By.cssSelector("#waiting li .kiosk-sensors .sensor[data-state=absent]")).isEmpty());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("doctor: " + doctorBrowser.describe() + "\nkiosk page: " + page.describe(),
                        e);
            }
            assertFalse(page.driver().getCurrentUrl().contains("kiosk-token"), "the token left the URL");
            assertEquals(KIOSK.value(), page.script("return document.body.dataset.kiosk"));
            assertTrue(page.displayed("#waiting"), "called in, no code entry");
            assertFalse(page.displayed("#enter"));
            assertEquals(KIOSK.value(), doctorBrowser.script(
                    "return document.querySelector('#waiting li .kiosk').textContent"));
            String sensors = (String) doctorBrowser.script(
                    "return document.querySelector('#waiting li .kiosk-sensors').textContent");
            assertTrue(sensors.contains("mlx90614 ✓") && sensors.contains("hx711 ✗ fehlt · absent")
                    && sensors.contains("no answer on GPIO 5/6"), sensors);

            doctorBrowser.script("document.querySelector('#waiting li .admit').click()");
            await("video decoded at both ends").atMost(Chromium.PATIENCE).pollInterval(Duration.ofMillis(200))
                    .until(() -> doctorBrowser.connectedWithVideo() && page.connectedWithVideo());

            // In the call, the patient sees the reading the kiosk takes, in plain German, as the doctor does.
            MqttMessage reading = new MqttMessage(WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES).encode(
                    new Measurement(KIOSK, 1, SensorId.of("mlx90614"),
                            LoincCode.BODY_TEMPERATURE, 37.2,
                            UcumUnit.CELSIUS, Instant.now())));
            reading.setQos(1);
            mqtt.publish(Topics.measurements(KIOSK), reading);
            String tile = "[data-vital=temperature]";
            await("the temperature on the kiosk page").atMost(Chromium.PATIENCE).until(() -> "37,2".equals(
                    page.script("return document.querySelector('#vitals " + tile + " .number')?.textContent")));
            String shown = (String) page.script("return document.querySelector('#vitals " + tile + "').textContent");
            assertTrue(shown.contains("Körpertemperatur") && shown.contains("°C") && shown.contains("gemessen um"),
                    shown);
            await("the same value in the doctor's call view").atMost(Chromium.PATIENCE).until(() -> "37,2"
                    .equals(doctorBrowser.script("return document.querySelector('#vitals " + tile
                            + " .number')?.textContent")));

            // The doctor asks for the weight: the kiosk page tells the patient what to do, by the command's state.
            var issued = Outcomes.done(BROKER.broker().commands().issue(new Caller.Staff(doctor),
                    room.id(), CommandKind.WEIGHT, 0, Optional.empty()));
            await("the queued guidance").atMost(Chromium.PATIENCE).until(() -> String.valueOf(page.script(
                    "return document.getElementById('guidance').textContent")).contains("Gleich wird Ihr Gewicht"));
            MqttMessage running = new MqttMessage(WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES).encode(
                    CommandUpdate.running(KIOSK, issued.id(), Instant.now())));
            running.setQos(1);
            mqtt.publish(Topics.commandUpdates(KIOSK), running);
            await("the running guidance").atMost(Chromium.PATIENCE).until(() -> String.valueOf(page.script(
                    "return document.getElementById('guidance').textContent"))
                    .contains("Bitte stellen Sie sich ruhig auf die Waage."));
        } finally {
            mqtt.disconnect();
            mqtt.close();
        }
    }
}
