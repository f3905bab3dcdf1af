package org.telekiosk.broker.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.MqttTestClient;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.topic.Topics;

/**
 * The intake's stall watch against the real embedded HiveMQ with two intake connections: a kiosk flooding far over
 * its quota (the broker's clock stands still, so its bucket never refills and every publish after the burst is
 * answered 0x97) makes HiveMQ's count of incoming publishes grow while nothing reaches the shared subscription. That
 * is no stall of the subscription, and the watch must not reconnect the healthy intake connections for it.
 */
// Each test loops until the stall watch has checked four times; should the watch not run (as with the in-process
// intake, before this class pinned the subscription), the loop would never end: a failure after 5 minutes instead.
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StallWatchFloodTest {
    static final Duration WAIT = Duration.ofSeconds(120);
    static final int BURST = 5;
    static final int QUOTA_EXCEEDED = 0x97;
    static final MutableClock CLOCK = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    @RegisterExtension
    // The stall watch belongs to the shared subscription's path; with the in-process intake (the default with the
    // embedded MQTT broker) it is off.
    static final BrokerExtension BROKER = new BrokerExtension(Map.of("mqtt.kiosk-rate-per-second", "1",
            "mqtt.kiosk-burst", Integer.toString(BURST), "mqtt.intake-connections", "2", "mqtt.intake", "subscription",
            // Each test floods for four checks: 4 s instead of the default interval's 20 s.
            "mqtt.stall-check-interval", "PT1S"), CLOCK);

    @Test
    void aKioskFloodingOverItsQuotaDoesNotMakeTheStallWatchReconnectHealthyIntakeConnections() throws Exception {
        var broker = BROKER.broker();
        TestKiosk flooder = TestKiosk.enroll(BROKER, KioskId.of("stall-flood-source"));
        MqttAsyncClient flood = MqttTestClient.connectAsync(BROKER, flooder.id().value(), flooder.tls());
        long routedBefore = broker.mqtt().kioskPublishesRouted();
        long incomingBefore = broker.mqtt().incomingPublishes();
        for (int seq = 1; seq <= BURST; seq++) {
            assertEquals(0, KioskFloodTest.publish(flood, Topics.measurements(flooder.id()),
                    KioskFloodTest.reading(flooder.id(), seq)));
        }
        await().atMost(WAIT).until(() -> broker.intakeAcknowledged() >= BURST);

        // Flood until every intake connection's watch has checked four more times (two checks in a row without an
        // arrival made a stall): every publish now refused, none routed.
        long checksAtStart = broker.intakeStallChecks();
        long refused = 0;
        for (long seq = BURST + 1; broker.intakeStallChecks() < checksAtStart + 4; seq++) {
            assertEquals(QUOTA_EXCEEDED, KioskFloodTest.publish(flood, Topics.measurements(flooder.id()),
                    KioskFloodTest.reading(flooder.id(), seq)), "reading " + seq);
            refused++;
        }
        assertTrue(flood.isConnected());

        // HiveMQ counted the refused publishes as incoming (what the watch used to read); they were never routed.
        assertTrue(broker.mqtt().incomingPublishes() - incomingBefore >= BURST + refused,
                (broker.mqtt().incomingPublishes() - incomingBefore) + " incoming, " + refused + " refused");
        assertEquals(BURST, broker.mqtt().kioskPublishesRouted() - routedBefore, "routed to the shared subscription");
        assertEquals(0, broker.intakeStallRestarts(), "reconnects of healthy intake connections by the stall watch");
        assertEquals(BURST, broker.intakeAcknowledged());
        flood.disconnect().waitForCompletion(10_000);
        flood.close();
    }

    @Test
    void aKioskRefusedForPublishingOnAnotherKiosksTopicDoesNotMakeTheStallWatchReconnectEither() throws Exception {
        var broker = BROKER.broker();
        TestKiosk intruder = TestKiosk.enroll(BROKER, KioskId.of("stall-foreign-topic"));
        String foreign = Topics.measurements(KioskId.of("stall-someone-else"));
        long routedBefore = broker.mqtt().kioskPublishesRouted();
        long restartsBefore = broker.intakeStallRestarts();
        long checksAtStart = broker.intakeStallChecks();
        int refused = 0;
        // Each publish passes the quota (a second of the broker's clock per token) and is refused by the authorizer
        // with 0x87, which ends the connection; the kiosk connects again, as a misconfigured agent would.
        while (broker.intakeStallChecks() < checksAtStart + 4) {
            CLOCK.advance(Duration.ofSeconds(1));
            MqttAsyncClient client = MqttTestClient.connectAsync(BROKER, intruder.id().value(), intruder.tls());
            try {
                assertEquals(0x87, KioskFloodTest.publish(client, foreign, KioskFloodTest.reading(intruder.id(), 1)));
            } catch (org.eclipse.paho.mqttv5.common.MqttException disconnectedFirst) {
                // The DISCONNECT overtook the PUBACK: refused all the same.
            }
            refused++;
            client.disconnectForcibly(0, 1_000, false);
            client.close(true);
        }
        assertTrue(refused > 0);
        assertEquals(0, broker.mqtt().kioskPublishesRouted() - routedBefore, "nothing was routed");
        assertEquals(restartsBefore, broker.intakeStallRestarts(),
                "reconnects of healthy intake connections by the stall watch after " + refused + " refused publishes");
    }
}
