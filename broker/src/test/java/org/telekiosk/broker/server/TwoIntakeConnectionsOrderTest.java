package org.telekiosk.broker.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.MqttTestClient;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.broker.testing.ViewerClient;
import org.telekiosk.broker.viewer.VitalsOrder;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;
import org.telekiosk.protocol.topic.Topics;

/**
 * The real broker with two intake connections in the shared subscription group: HiveMQ hands one kiosk's readings
 * out across both, yet the doctor's vitals socket sees them in the kiosk's order, every one is stored once, and the
 * store acknowledgement reaches the last number.
 */
class TwoIntakeConnectionsOrderTest {
    static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
    static final Duration WAIT = Duration.ofSeconds(60);
    /** Readings and ECG batches one kiosk publishes as fast as its in-flight window lets it. */
    static final int COUNT = 1500;
    /**
     * Publishes in flight at once: Paho frees a slot only after the token completed, so a full window awaited plus the
     * next must stay below the broker's receive maximum (64) or Paho refuses with 32202.
     */
    static final int WINDOW = 30;
    static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension(Map.of(
            "mqtt.intake-connections", "2",
            // Two intake connections in the shared group are the subscription's path (with an external MQTT broker,
            // several nodes); the in-process intake, the default with the embedded one, takes a kiosk's in order.
            "mqtt.intake", "subscription",
            // The test's kiosk publishes far above a kiosk's quota, on purpose.
            "mqtt.kiosk-rate-per-second", "100000", "mqtt.kiosk-burst", "1000000"));

    /** A day ahead: always after the patient's admission, as the doctor sees only readings taken since then. */
    static final Instant TAKEN = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);

    static KioskMessage numbered(KioskId kiosk, long seq) {
        Instant at = TAKEN.plusMillis(seq * 250);
        return seq % 4 == 0
                ? new Measurement(kiosk, seq, SensorId.of("max30102"), LoincCode.HEART_RATE, 60 + seq % 40,
                        UcumUnit.PER_MINUTE, at)
                : new WaveformBatch(kiosk, seq, SensorId.of("ads1115"), Signal.ECG, UcumUnit.of("mV"), 250, at,
                        0.001, java.util.Collections.nCopies(62, (int) seq));
    }

    @Test
    void oneKiosksReadingsTakenOverTwoConnectionsReachTheDoctorInTheKiosksOrderAndAreStoredOnce() throws Exception {
        KioskId id = KioskId.of("it-order-a");
        VitalsOrder order = BROKER.broker().viewers().order().orElseThrow();
        long reorderedBefore = order.reorderedCount();
        long droppedBefore = order.lateDroppedCount();
        long skippedBefore = BROKER.broker().viewers().skippedCount();
        List<Long> ackedBefore = BROKER.broker().intakeAcknowledgedEach();
        assertEquals(2, ackedBefore.size());

        TestKiosk kiosk = TestKiosk.enroll(BROKER, id);
        try (ViewerClient viewer = ViewerClient.doctorWatching(BROKER, id)) {
            MqttAsyncClient mqtt = MqttTestClient.connectAsync(BROKER, id.value(), kiosk.tls());
            List<StoreAck> acks = new CopyOnWriteArrayList<>();
            mqtt.setCallback(new AcksOnly(acks));
            mqtt.subscribe(Topics.acks(id), 1).waitForCompletion(10_000);
            List<IMqttToken> inFlight = new ArrayList<>();
            for (long seq = 1; seq <= COUNT; seq++) {
                MqttMessage message = new MqttMessage(CBOR.encode(numbered(id, seq)));
                message.setQos(1);
                inFlight.add(publishWithinWindow(mqtt, Topics.measurements(id), message));
                if (inFlight.size() == WINDOW) {
                    for (IMqttToken token : inFlight) {
                        token.waitForCompletion(30_000);
                    }
                    inFlight.clear();
                }
            }
            for (IMqttToken token : inFlight) {
                token.waitForCompletion(30_000);
            }

            // Stored once each, whatever the order they reached the store in, and acknowledged through the last.
            await().atMost(WAIT).until(() -> acks.stream().anyMatch(a -> a.storedThrough() == COUNT));
            assertEquals(COUNT, BROKER.broker().store().count(id).join());

            var hub = BROKER.broker().viewers();
            List<Long> shown = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (shown.size() + (order.lateDroppedCount() - droppedBefore) + (hub.skippedCount() - skippedBefore)
                    < COUNT) {
                seqOf(viewer.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))), id)
                        .ifPresent(shown::add);
            }
            for (int i = 1; i < shown.size(); i++) {
                assertTrue(shown.get(i) > shown.get(i - 1),
                        "shown out of order at " + i + ": " + shown.subList(Math.max(0, i - 5), i + 1));
            }
            assertEquals(COUNT, shown.size() + (order.lateDroppedCount() - droppedBefore)
                    + (hub.skippedCount() - skippedBefore));

            // How HiveMQ spread the kiosk's readings over the two connections and how many the hub reordered: printed,
            // not asserted. On a quiet machine HiveMQ may hand them all to one connection (seen: 0/1,500 and 1,437/63
            // in the 2026-12-05 loop), which is no fault of the ordering.
            List<Long> acked = BROKER.broker().intakeAcknowledgedEach();
            System.out.printf("two intake connections took %s; %d reordered, %d late and not shown, %d skipped%n",
                    List.of(acked.get(0) - ackedBefore.get(0), acked.get(1) - ackedBefore.get(1)),
                    order.reorderedCount() - reorderedBefore, order.lateDroppedCount() - droppedBefore,
                    hub.skippedCount() - skippedBefore);
            mqtt.disconnect().waitForCompletion(10_000);
            mqtt.close();
        }
    }

    /**
     * Publishes, waiting while Paho's own count of publishes in flight is at the broker's receive maximum. Paho counts
     * a QoS 1 publish in flight until its receive thread has handled the PUBACK, and that can come after the token
     * completed on its callback thread, so a full window awaited does not mean the count went down: under load, the
     * next publish was refused with 32202 "Too many publishes in progress" (seen once). Then this waits until the
     * count fell below what it was, and publishes again.
     */
    static IMqttToken publishWithinWindow(MqttAsyncClient mqtt, String topic, MqttMessage message) throws Exception {
        while (true) {
            try {
                return mqtt.publish(topic, message);
            } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
                if (e.getReasonCode()
                        != org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                    throw e;
                }
                int full = Math.max(1, mqtt.getInFlightMessageCount());
                await("Paho's count of publishes in flight below " + full).atMost(WAIT)
                        .until(() -> mqtt.getInFlightMessageCount() < full);
            }
        }
    }

    /** Keeps the kiosk's store acknowledgements. */
    record AcksOnly(List<StoreAck> acks) implements org.eclipse.paho.mqttv5.client.MqttCallback {
        @Override
        public void messageArrived(String topic, MqttMessage message) throws Exception {
            acks.add((StoreAck) CBOR.decode(message.getPayload(), org.telekiosk.protocol.downlink.KioskDownlink.class));
        }

        @Override
        public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse response) { }

        @Override
        public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException exception) { }

        @Override
        public void deliveryComplete(IMqttToken token) { }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) { }

        @Override
        public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties properties) { }
    }

    /** The sequence number of a reading or batch of {@code kiosk} the socket got, if the event is one. */
    static java.util.Optional<Long> seqOf(String event, KioskId kiosk) {
        if (event.contains("\"" + kiosk.value() + "\"")
                && (event.startsWith("{\"type\":\"reading\"") || event.startsWith("{\"type\":\"waveform\""))) {
            Matcher m = SEQ.matcher(event);
            if (m.find()) {
                return java.util.Optional.of(Long.parseLong(m.group(1)));
            }
        }
        return java.util.Optional.empty();
    }
}
