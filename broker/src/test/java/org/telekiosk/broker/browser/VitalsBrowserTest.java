package org.telekiosk.broker.browser;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.server.AccessServices;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.RequiredPrograms;
import org.telekiosk.broker.testing.RequiredPrograms.Program;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.broker.testing.VitalsFixture;
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
 * The doctor's call view in headless Chromium against a real broker while a kiosk (over MQTT with its enrolled
 * certificate) streams: the vitals tiles show the kiosk's values with their units, a value outside the configured
 * range is marked, and the ECG canvas draws (its pixels read back through JavaScript).
 */
@RequiredPrograms({Program.CHROMIUM, Program.CHROMEDRIVER})
class VitalsBrowserTest {
    private static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
    private static final Duration WAIT = Chromium.PATIENCE;

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @Test
    void theCallViewsTilesUpdateAndTheEcgCanvasDrawsWhileTheKioskStreams() throws Exception {
        AccessServices access = BROKER.broker().access();
        KioskId kiosk = KioskId.of("browser-vitals");
        Account doctor = VitalsFixture.account(access, "dr.vitals", Role.DOCTOR);
        Consultation room = VitalsFixture.inCall(access, doctor, kiosk);
        ConsultationFixture fixture = new ConsultationFixture(VitalsFixture.login(access, doctor), room, "");
        X509Certificate certificate = BROKER.broker().pki().serverChain().getFirst();
        MqttClient mqtt = TestKiosk.enroll(BROKER, kiosk).connect(BROKER);
        try (Chromium browser = new Chromium(certificate, List.of())) {
            ConsultationBrowserTest.openDoctorConsole(browser, fixture, BROKER);
            await("the vitals socket is welcomed").atMost(WAIT).until(() -> "open".equals(
                    browser.script("return document.getElementById('vitals').dataset.state")));

            Instant now = Instant.now();
            long seq = 1;
            publish(mqtt, kiosk, reading(kiosk, seq++, LoincCode.OXYGEN_SATURATION, 98, UcumUnit.PERCENT, now));
            publish(mqtt, kiosk, reading(kiosk, seq++, LoincCode.HEART_RATE, 131, UcumUnit.PER_MINUTE, now));
            publish(mqtt, kiosk, reading(kiosk, seq++, LoincCode.BODY_TEMPERATURE, 36.8, UcumUnit.CELSIUS, now));
            publish(mqtt, kiosk, reading(kiosk, seq++, LoincCode.SYSTOLIC_PRESSURE, 121, UcumUnit.MM_HG, now));
            publish(mqtt, kiosk, reading(kiosk, seq++, LoincCode.DIASTOLIC_PRESSURE, 79, UcumUnit.MM_HG, now));
            for (int second = 0; second < 4; second++) {
                publish(mqtt, kiosk, ecg(kiosk, seq++, now.plusSeconds(second)));
            }

            await("the tiles").atMost(WAIT).until(() -> "98".equals(text(browser, "spo2"))
                    && "131".equals(text(browser, "pulse")) && "121 / 79".equals(text(browser, "pressure")));
            assertEquals("36,8", text(browser, "temperature"));
            assertEquals("°C", browser.script(
                    "return document.querySelector('[data-vital=temperature] .unit').textContent"));
            assertEquals("mmHg", browser.script(
                    "return document.querySelector('[data-vital=pressure] .unit').textContent"));
            // The tiles are redrawn as readings arrive: each is found and read in one script call.
            assertTrue(browser.attribute("[data-vital=pulse]", "class").contains("outside"),
                    "131/min is outside the default range 50..110");
            assertTrue(browser.text("[data-vital=pulse] .meta").contains("außerhalb des Bereichs · outside range"));
            assertTrue(!browser.attribute("[data-vital=spo2]", "class").contains("outside"));

            await("the ECG trace").atMost(WAIT).until(() -> ((Number) browser.script(
                    "const c = document.querySelector('[data-signal=ecg] canvas');"
                    + "if (!c) return 0;"
                    + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                    + "let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n;"))
                    .intValue() > 200);
            long frames = frames(browser);
            await("the trace keeps scrolling").atMost(WAIT).until(() -> frames(browser) > frames + 10);
        } finally {
            mqtt.disconnect();
            mqtt.close();
        }
    }

    private static String text(Chromium browser, String vital) {
        return (String) browser.script("const e = document.querySelector('[data-vital=" + vital + "] .number');"
                + "return e ? e.textContent : null");
    }

    private static long frames(Chromium browser) {
        Object frames = browser.script("const c = document.querySelector('[data-signal=ecg] canvas');"
                + "return c ? Number(c.dataset.frames || 0) : 0");
        return ((Number) frames).longValue();
    }

    private static Measurement reading(KioskId kiosk, long seq, LoincCode loinc, double value, UcumUnit unit,
            Instant at) {
        return new Measurement(kiosk, seq, SensorId.of("test-sensor"), loinc, value, unit, at);
    }

    /** One second of a 250 Hz ECG-like sawtooth with a spike per beat. */
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
