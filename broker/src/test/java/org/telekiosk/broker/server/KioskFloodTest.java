package org.telekiosk.broker.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.MqttTestClient;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.broker.testing.RestClient;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.broker.testing.ViewerClient;
import org.telekiosk.broker.testing.VitalsFixture;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.topic.Topics;

/**
 * One enrolled kiosk floods the real embedded HiveMQ with valid readings while another kiosk sends one: the flooder
 * gets PUBACK 0x97 "quota exceeded" past its burst (the broker's clock stands still, so its bucket never refills and
 * the numbers are exact), only its quota's worth enters the queue the broker works through in arrival order, and the
 * other kiosk's reading reaches its doctor's vitals socket behind at most that many, not behind the flood. The flood
 * is counted (the technician's fleet view, {@code /healthz}) and audited once.
 */
class KioskFloodTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
    static final int BURST = 40;
    static final int FLOOD = 400;
    static final int QUOTA_EXCEEDED = 0x97;

    static final MutableClock CLOCK = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension(Map.of("mqtt.kiosk-rate-per-second", "1",
            "mqtt.kiosk-burst", Integer.toString(BURST)), CLOCK);

    /**
     * A reading taken on the broker's (standing) clock, so at or after the doctor's admission of the patient: the hub
     * shows a doctor only readings taken since the admission. (With a fixed date here the test failed whenever it ran
     * after that date's morning, as in the official CI of 2026-12-05 10:19.)
     */
    static MqttMessage reading(KioskId kiosk, long seq) {
        MqttMessage message = new MqttMessage(CBOR.encode(new Measurement(kiosk, seq, SensorId.of("mlx90614"),
                LoincCode.BODY_TEMPERATURE, 36.5, UcumUnit.CELSIUS, CLOCK.instant().plusMillis(seq))));
        message.setQos(1);
        return message;
    }

    static int publish(MqttAsyncClient client, String topic, MqttMessage message) throws Exception {
        // Paho completes a publish's token on its receiver thread but counts the publish out of its in-flight window
        // later, on its callback thread (eclipse-paho/paho.mqtt.java#551): on a loaded machine a loop of publishes
        // that each waited for their PUBACK can still find the window (the broker's receive maximum) full and get
        // "Too many publishes in progress" (32202). Wait until Paho has counted the previous one out.
        // Checked at once and then every 2 ms: Awaitility's default first look after 100 ms cost ~40 s per run.
        await().atMost(WAIT).pollDelay(java.time.Duration.ZERO).pollInterval(java.time.Duration.ofMillis(2))
                .until(() -> client.getInFlightMessageCount() == 0);
        IMqttToken token = client.publish(topic, message);
        token.waitForCompletion(WAIT.toMillis());
        int[] codes = token.getReasonCodes();
        return codes == null || codes.length == 0 ? 0 : codes[0];
    }

    /**
     * Kiosk publishes past the quota on their way to the intake: routed to the shared subscription, or taken by the
     * in-process intake (the default with the embedded MQTT broker).
     */
    static long pastTheQuota() {
        var broker = BROKER.broker();
        return broker.mqtt().kioskPublishesRouted()
                + broker.inProcessIntake().map(i -> i.takenCount()).orElse(0L);
    }

    /** Where the readings are on their way, for a failure's message. */
    static String pipeline() {
        var broker = BROKER.broker();
        return "routed by HiveMQ " + broker.mqtt().kioskPublishesRouted() + ", taken in process "
                + broker.inProcessIntake().map(i -> i.takenCount()).orElse(0L) + ", accepted by the intake "
                + broker.intake().acceptedCount() + ", queued for the store " + broker.store().queued() + ", delivered to viewers "
                + broker.viewers().deliveredCount() + ", held for order "
                + broker.viewers().order().map(o -> o.heldCount()).orElse(0) + ", intake acknowledged "
                + broker.intakeAcknowledgedEach() + ", subscribed " + broker.isReady();
    }

    @Test
    void aFloodingKioskIsRefusedOverItsQuotaAndAnotherKiosksReadingIsNotQueuedBehindTheFlood() throws Exception {
        TestKiosk flooder = TestKiosk.enroll(BROKER, KioskId.of("flood-source"));
        TestKiosk neighbour = TestKiosk.enroll(BROKER, KioskId.of("flood-neighbour"));
        ViewerClient doctor = ViewerClient.doctorWatching(BROKER, neighbour.id());
        long acceptedBefore = BROKER.broker().intake().acceptedCount();
        long pastTheQuotaBefore = pastTheQuota();

        MqttAsyncClient flood = MqttTestClient.connectAsync(BROKER, flooder.id().value(), flooder.tls());
        int passed = 0;
        int overQuota = 0;
        for (int seq = 1; seq <= FLOOD; seq++) {
            int code = publish(flood, Topics.measurements(flooder.id()), reading(flooder.id(), seq));
            if (code == QUOTA_EXCEEDED) {
                overQuota++;
            } else {
                assertEquals(0, code, "PUBACK reason code of reading " + seq);
                passed++;
            }
        }
        assertTrue(flood.isConnected(), "a kiosk over its quota keeps its connection");
        assertEquals(BURST, passed, "readings past the quota");
        assertEquals(FLOOD - BURST, overQuota, "readings answered 0x97");
        // Only what got through reaches the intake (with the subscription, only that feeds the intake's stall watch:
        // a refused flood counted there made every intake connection reconnect every 10 s while it lasted).
        assertEquals(BURST, pastTheQuota() - pastTheQuotaBefore, "publishes that reached the intake");

        MqttAsyncClient other = MqttTestClient.connectAsync(BROKER, neighbour.id().value(), neighbour.tls());
        assertEquals(0, publish(other, Topics.measurements(neighbour.id()), reading(neighbour.id(), 1)));
        try {
            doctor.nextReadingFrom(neighbour.id().value(), WAIT);
        } catch (AssertionError e) {
            var seen = doctor.seen();
            throw new AssertionError(e.getMessage() + "; " + pipeline() + "; the doctor's socket got " + seen.size()
                    + " messages, the last: " + seen.subList(Math.max(0, seen.size() - 3), seen.size()), e);
        }
        // The intake takes messages in the order the MQTT broker queued them: whatever it counted by the time the
        // neighbour's reading was shown is what stood in front of it.
        long inFront = BROKER.broker().intake().acceptedCount() - acceptedBefore - 1;
        assertTrue(inFront <= BURST, inFront + " messages went through the intake before the neighbour's reading; "
                + "the flood was " + FLOOD);

        assertEquals(FLOOD - BURST, BROKER.broker().mqtt().overQuota(flooder.id()));
        assertEquals(0, BROKER.broker().mqtt().overQuota(neighbour.id()));
        await().atMost(WAIT).until(() -> BROKER.broker().audit().since(Instant.EPOCH).stream()
                .filter(e -> e.action() == AuditAction.KIOSK_OVER_QUOTA).count() == 1);
        assertEquals("kiosk:flood-source", BROKER.broker().audit().since(Instant.EPOCH).stream()
                .filter(e -> e.action() == AuditAction.KIOSK_OVER_QUOTA).findFirst().orElseThrow().subject(),
                "one audit entry a minute per kiosk");

        var access = BROKER.broker().access();
        var technician = VitalsFixture.account(access, "tech.flood", Role.TECHNICIAN);
        RestClient.Reply fleet = new RestClient(BROKER).send("GET", "/api/v1/kiosks", null,
                Map.of("Authorization", "Bearer " + VitalsFixture.login(access, technician).value()));
        assertEquals(200, fleet.status());
        for (JsonNode kiosk : fleet.json().path("kiosks")) {
            long expected = kiosk.path("id").asText().equals("flood-source") ? FLOOD - BURST : 0;
            assertEquals(expected, kiosk.path("overQuota").asLong(), kiosk.toString());
        }
        flood.disconnect().waitForCompletion(10_000);
        flood.close();
        other.disconnect().waitForCompletion(10_000);
        other.close();
        doctor.close();
    }
}
