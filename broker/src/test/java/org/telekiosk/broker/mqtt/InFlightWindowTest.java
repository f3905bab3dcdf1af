package org.telekiosk.broker.mqtt;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.server.Broker;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.topic.Topics;

/**
 * HiveMQ hands the broker's subscriber more than its default cap of 50 unacknowledged messages: while the store
 * cannot commit (another connection holds SQLite's write lock), nothing is acknowledged, and still more than 50
 * readings reach the intake. With HiveMQ CE's default, delivery stopped at 50 until the store committed, which made
 * the store's commit round trip the limit of every kiosk's readings together (docs/benchmarks.md). Once the lock is
 * gone, every reading is stored and acknowledged, none twice.
 */
class InFlightWindowTest {
    private static final int READINGS = 150;
    /** Well above HiveMQ CE's default cap of 50 unacknowledged messages per client. */
    private static final int UNACKNOWLEDGED = 120;
    /** Below the store's SQLite busy timeout (10 s), after which a blocked commit fails and is retried. */
    private static final Duration WHILE_LOCKED = Duration.ofSeconds(8);
    private static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @Test
    void moreThanFiftyReadingsReachTheIntakeWhileNoneIsAcknowledged() throws Exception {
        KioskId kiosk = KioskId.of("in-flight-window");
        SSLContext tls = TestKiosk.enroll(BROKER, kiosk).tls();
        MqttAsyncClient client = new MqttAsyncClient(BROKER.broker().mqttUri().toString(), kiosk.value(),
                new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setSocketFactory(tls.getSocketFactory());
        options.setAutomaticReconnect(false);
        client.connect(options).waitForCompletion(10_000);
        long acceptedBefore = BROKER.broker().intake().acceptedCount();
        long acknowledgedBefore = BROKER.broker().subscriber().acknowledgedCount();
        try (Connection lock = Broker.storeDatabase(BROKER.broker().config(), Map.of()).connect();
                Statement sql = lock.createStatement()) {
            sql.execute("BEGIN IMMEDIATE"); // the write lock: the store's writer waits for it
            try {
                // HiveMQ acknowledges a kiosk's publish once queued, whatever the subscriber does.
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
                    assertTrue(window.tryAcquire(30, TimeUnit.SECONDS), "the kiosk's window never freed up");
                    MqttMessage message = new MqttMessage(CBOR.encode(reading(kiosk, seq)));
                    message.setQos(1);
                    client.publish(Topics.measurements(kiosk), message, null, release);
                }
                await("more than 50 readings delivered unacknowledged").atMost(WHILE_LOCKED)
                        .until(() -> BROKER.broker().intake().acceptedCount() - acceptedBefore >= UNACKNOWLEDGED);
                assertEquals(acknowledgedBefore, BROKER.broker().subscriber().acknowledgedCount(),
                        "nothing may be acknowledged before the store commits");
            } finally {
                sql.execute("ROLLBACK");
            }
        } finally {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> BROKER.broker().store().count(kiosk).get() == READINGS);
            client.disconnect().waitForCompletion(5_000);
            client.close();
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> BROKER.broker().subscriber().acknowledgedCount() >= acknowledgedBefore + READINGS);
        assertEquals(0, BROKER.broker().store().counters().duplicates());
        assertEquals(0, BROKER.broker().mqtt().droppedMessages());
    }

    private static Measurement reading(KioskId kiosk, long seq) {
        return new Measurement(kiosk, seq, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, 36.6,
                UcumUnit.CELSIUS, Instant.parse("2026-11-22T10:00:00Z").plusMillis(seq));
    }
}
