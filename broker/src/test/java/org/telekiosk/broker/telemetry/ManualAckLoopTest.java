package org.telekiosk.broker.telemetry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.topic.Topics;

/**
 * The broker's subscriber acknowledges each message only after the store committed it (manual acknowledgements).
 * An earlier attempt stalled intermittently under load while there were two shared subscriptions; this runs bursts
 * of readings, far larger than the receive maximum and interleaved with statuses (acknowledged without a store write),
 * through the real broker five times in the default build ({@code -Dtelekiosk.ack-loop.repetitions=20} for the long
 * run), and each time every reading must be stored and acknowledged.
 */
class ManualAckLoopTest {
    private static final int READINGS = 1_000;
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);

    @RegisterExtension
    // Bursts as fast as the window allows, far above a kiosk's publish quota (250/s): the quota is not what this
    // tests (KioskFloodTest does), so it is out of reach here.
    // The shared subscription's manual acknowledgements are what this tests; the in-process intake (the default with
    // the embedded MQTT broker) has its own test, InProcessIntakeIntegrationTest.
    static final BrokerExtension BROKER = new BrokerExtension(Map.of("mqtt.kiosk-rate-per-second", "100000",
            "mqtt.kiosk-burst", "1000000", "mqtt.intake", "subscription"));

    /** Five bursts in the default build; {@code -Dtelekiosk.ack-loop.repetitions=N} for more. */
    private static final int REPETITIONS = Integer.getInteger("telekiosk.ack-loop.repetitions", 5);

    @TestFactory
    Stream<DynamicTest> aBurstOfReadingsIsStoredAndAcknowledgedWithoutTheSubscriptionStalling() {
        return IntStream.rangeClosed(1, REPETITIONS).mapToObj(n -> DynamicTest.dynamicTest("burst " + n + " of "
                + REPETITIONS, () -> burst(n)));
    }

    private static void burst(int repetition) throws Exception {
        KioskId kiosk = KioskId.of("ack-loop-" + repetition);
        SSLContext tls = TestKiosk.enroll(BROKER, kiosk).tls();
        long acknowledgedBefore = BROKER.broker().intakeAcknowledged();
        MqttAsyncClient client = new MqttAsyncClient(BROKER.broker().mqttUri().toString(), kiosk.value(),
                new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setSocketFactory(tls.getSocketFactory());
        options.setAutomaticReconnect(false);
        client.connect(options).waitForCompletion(10_000);
        try {
            // Our own window below HiveMQ's receive maximum, as the agent's uplink keeps one.
            Semaphore window = new Semaphore(32);
            MqttActionListener release = new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    window.release();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    window.release();
                }
            };
            for (int seq = 1; seq <= READINGS; seq++) {
                assertTrue(window.tryAcquire(30, TimeUnit.SECONDS), "the window never freed up at " + seq);
                client.publish(Topics.measurements(kiosk), message(CBOR.encode(reading(kiosk, seq))), null, release);
                if (seq % 100 == 0) {
                    assertTrue(window.tryAcquire(30, TimeUnit.SECONDS));
                    client.publish(Topics.status(kiosk), message(CBOR.encode(new KioskStatus(kiosk,
                            Instant.parse("2026-11-22T10:00:00Z").plusSeconds(seq), List.of(), 0, 0))), null, release);
                }
            }

            await().atMost(PATIENCE).until(() -> BROKER.broker().store().count(kiosk).get() == READINGS);
            await().atMost(PATIENCE).until(() -> BROKER.broker().intakeAcknowledged()
                    >= acknowledgedBefore + READINGS + READINGS / 100);
            assertEquals(0, BROKER.broker().mqtt().droppedMessages());
        } finally {
            client.disconnect().waitForCompletion(5_000);
            client.close();
        }
    }

    private static MqttMessage message(byte[] payload) {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(1);
        return message;
    }

    private static Measurement reading(KioskId kiosk, long seq) {
        return new Measurement(kiosk, seq, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, 36.6,
                UcumUnit.CELSIUS, Instant.parse("2026-11-22T10:00:00Z").plusMillis(seq));
    }
}
