package org.telekiosk.broker.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.MqttTestClient;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.topic.Topics;

/** What embedded HiveMQ CE really does with a kiosk after one publish it refuses to authorise. */
class ForgedPublishIntegrationTest {
    /** A broker of its own: this class checks what HiveMQ answers and delivers ({@link BrokerExtension#shared()}). */
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();
    static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);

    static MqttMessage qos1(byte[] payload) {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(1);
        return message;
    }

    /** The PUBACK's reason code, or the reason the publish failed (the client's code, e.g. 32204 "disconnected"). */
    static int outcome(IMqttToken token) {
        try {
            token.waitForCompletion(30_000);
            return token.getReasonCodes()[0];
        } catch (MqttException e) {
            return -e.getReasonCode();
        }
    }

    /**
     * HiveMQ CE answers a publish its authorizer refuses with PUBACK 0x87 and then ends the connection with DISCONNECT
     * 0x87; a publish the kiosk sent after it on that connection is dropped unacknowledged (HiveMQ skips the rest of
     * the connection's publishes) — unless the in-process intake, whose interceptor runs before the authorizer and
     * does not wait for the earlier publish's authorization, took it first (seen under load): then it is stored and
     * acknowledged as any reading. So a kiosk keeps every reading until its PUBACK and sends it again after
     * reconnecting (protocol/README.md), and nothing is lost or stored twice: the reading is accepted once.
     */
    @Test
    void aForgedPublishGets0x87ThenTheConnectionEndsAndWhatWasNotAcknowledgedIsAcceptedWhenSentAgain()
            throws Exception {
        TestKiosk kiosk = TestKiosk.enroll(BROKER, KioskId.of("forge-a"));
        KioskId victim = KioskId.of("forge-b");
        MqttAsyncClient client = MqttTestClient.connectAsync(BROKER, kiosk.id().value(), kiosk.tls());
        CompletableFuture<MqttDisconnectResponse> lost = MqttTestClient.disconnectOf(client);
        long before = BROKER.broker().intake().acceptedCount();
        byte[] own = CBOR.encode(KioskTrustIntegrationTest.reading(kiosk.id(), 1));
        IMqttToken forged = client.publish(Topics.measurements(victim), qos1(CBOR.encode(
                KioskTrustIntegrationTest.reading(victim, 1))));
        // On a loaded machine HiveMQ may have refused the forged publish and ended the connection before the next
        // publish is even handed to Paho, which then refuses it at once (32104 not connected): not sent is not
        // acknowledged either, the same outcome.
        int afterOutcome;
        try {
            IMqttToken after = client.publish(Topics.measurements(kiosk.id()), qos1(own));
            afterOutcome = outcome(after);
        } catch (MqttException notConnected) {
            afterOutcome = -notConnected.getReasonCode();
        }

        assertEquals(0x87, outcome(forged), "PUBACK 0x87 not authorized");
        org.junit.jupiter.api.Assertions.assertTrue(afterOutcome < 0 || afterOutcome == 0x00,
                "the publish after it is either not acknowledged (fails with the disconnect) or taken, was "
                        + afterOutcome);
        MqttDisconnectResponse disconnect = lost.get(30, TimeUnit.SECONDS);
        assertEquals(0x87, disconnect.getReturnCode(), "DISCONNECT 0x87 not authorized");
        client.close(true);
        long taken = BROKER.broker().intake().acceptedCount() - before;
        if (afterOutcome == 0x00) {
            assertEquals(1, taken, "the publish after the forged one was acknowledged, so it was taken");
        } else {
            // Not acknowledged is not "not taken": the intake may have taken it before the connection ended and its
            // PUBACK (sent after the commit) had no connection left; the kiosk sends it again, stored once (below).
            org.junit.jupiter.api.Assertions.assertTrue(taken <= 1,
                    "the forged one never reached the intake, the one after it at most once, was " + taken);
        }

        org.eclipse.paho.mqttv5.client.MqttClient again = kiosk.connect(BROKER);
        again.publish(Topics.measurements(kiosk.id()), qos1(own));
        await().atMost(Duration.ofSeconds(30)).until(() -> BROKER.broker().store().count(kiosk.id()).join() == 1);
        assertEquals(1L, BROKER.broker().store().count(kiosk.id()).join(), "the kiosk's reading is stored once");
        assertEquals(java.util.List.of(), BROKER.broker().store()
                .measurements(victim, Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z")).join());
        again.disconnect();
        again.close();
    }
}
