package org.telekiosk.broker.browser;

import static org.awaitility.Awaitility.await;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.server.AccessServices;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.broker.testing.VitalsFixture;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.topic.Topics;

/**
 * A doctor in a call with a kiosk's patient, as the vitals browser tests need it: the kiosk enrolled and connected over
 * MQTT with its certificate, the doctor's call view open in headless Chromium with its vitals socket welcomed. The
 * test publishes readings as the kiosk; closing closes the browser, then the kiosk's connection.
 */
final class KioskInCall implements AutoCloseable {
    private static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);

    private final KioskId kiosk;
    private final Chromium browser;
    private final MqttClient mqtt;

    private KioskInCall(KioskId kiosk, Chromium browser, MqttClient mqtt) {
        this.kiosk = kiosk;
        this.browser = browser;
        this.mqtt = mqtt;
    }

    /** Kiosk {@code kioskName} in a call of doctor {@code doctorLogin}, whose call view is open and listening. */
    static KioskInCall open(BrokerExtension broker, String kioskName, String doctorLogin) throws Exception {
        AccessServices access = broker.broker().access();
        KioskId kiosk = KioskId.of(kioskName);
        Account doctor = VitalsFixture.account(access, doctorLogin, Role.DOCTOR);
        Consultation room = VitalsFixture.inCall(access, doctor, kiosk);
        ConsultationFixture fixture = new ConsultationFixture(VitalsFixture.login(access, doctor), room, "");
        X509Certificate certificate = broker.broker().pki().serverChain().getFirst();
        MqttClient mqtt = TestKiosk.enroll(broker, kiosk).connect(broker);
        KioskInCall call = new KioskInCall(kiosk, new Chromium(certificate, List.of()), mqtt);
        try {
            ConsultationBrowserTest.openDoctorConsole(call.browser, fixture, broker);
            await("the vitals socket is welcomed").atMost(Chromium.PATIENCE).until(() -> "open".equals(
                    call.browser.script("return document.getElementById('vitals').dataset.state")));
            return call;
        } catch (Exception | Error e) {
            call.close();
            throw e;
        }
    }

    KioskId kiosk() {
        return kiosk;
    }

    Chromium browser() {
        return browser;
    }

    /** A spot reading of this kiosk's test sensor. */
    Measurement reading(long seq, LoincCode loinc, double value, UcumUnit unit, Instant at) {
        return new Measurement(kiosk, seq, SensorId.of("test-sensor"), loinc, value, unit, at);
    }

    /** Publishes {@code message} as the kiosk does: CBOR, QoS 1, on its measurements topic. */
    void publish(KioskMessage message) throws Exception {
        MqttMessage published = new MqttMessage(CBOR.encode(message));
        published.setQos(1);
        mqtt.publish(Topics.measurements(kiosk), published);
    }

    @Override
    public void close() throws Exception {
        try {
            browser.close();
        } finally {
            mqtt.disconnect();
            mqtt.close();
        }
    }
}
