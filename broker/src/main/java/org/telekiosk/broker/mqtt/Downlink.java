package org.telekiosk.broker.mqtt;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link BrokerMqttClient} publishes on its connection: the downlink to kiosks (store acknowledgements retained,
 * commands with an expiry) and, with an external MQTT broker, the relay between nodes. Never waits for the
 * connection: a publish while not connected is refused at once and the caller sends it again later.
 */
final class Downlink {
    private static final Logger LOG = LoggerFactory.getLogger(Downlink.class);

    private final MqttAsyncClient client;

    Downlink(MqttAsyncClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Publishes {@code payload} on a downlink topic with QoS 0, retained (MQTT 5 §3.3.1.3): the MQTT broker keeps the
     * latest per topic and hands it to a kiosk whenever it subscribes, so a reconnecting kiosk learns where things
     * stand. Returns at once (the client queues) whether the client took the message: not when not connected or
     * when it refused it (its queue full), and then the caller sends the news again later. Any thread except HiveMQ's.
     */
    boolean publishRetained(String topic, byte[] payload) {
        if (!client.isConnected()) {
            return false;
        }
        try {
            client.publish(topic, new MqttMessage(payload, 0, true, null));
            return true;
        } catch (MqttException e) {
            LOG.debug("Publishing on a downlink topic failed (sent again later): {}", e.getMessage());
            return false;
        }
    }

    /**
     * Publishes {@code payload} with QoS 0, not retained: what is worth nothing once late (the relay between nodes).
     * Returns at once; when not connected, the message is skipped. Any thread except HiveMQ's.
     */
    void publish(String topic, byte[] payload) {
        if (!client.isConnected()) {
            return;
        }
        try {
            client.publish(topic, new MqttMessage(payload, 0, false, null));
        } catch (MqttException e) {
            LOG.debug("Publishing on '{}' failed: {}", topic, e.getMessage());
        }
    }

    /**
     * Publishes {@code payload} on a downlink topic with QoS 1, not retained, with an MQTT 5 message expiry interval
     * of {@code expirySeconds} (§3.3.2.3.3): the MQTT broker queues it for a kiosk that is away but has a session and
     * drops it once expired. The future completes when the MQTT broker acknowledged it (PUBACK), and fails when not
     * connected or refused; the caller sends it again later. Any thread except HiveMQ's.
     */
    CompletableFuture<Void> publishExpiring(String topic, byte[] payload, long expirySeconds) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        if (!client.isConnected()) {
            acknowledged.completeExceptionally(new IllegalStateException("the MQTT client is not connected"));
            return acknowledged;
        }
        MqttMessage message = new MqttMessage(payload, 1, false, null);
        MqttProperties properties = new MqttProperties();
        properties.setMessageExpiryInterval(Math.max(1, expirySeconds));
        message.setProperties(properties);
        try {
            client.publish(topic, message, null, listener(() -> acknowledged.complete(null),
                    acknowledged::completeExceptionally));
        } catch (MqttException e) {
            acknowledged.completeExceptionally(e);
        }
        return acknowledged;
    }

    /** A listener that fails on a reason code of 0x80 or above (MQTT 5 §2.4) as on a failure. */
    static MqttActionListener listener(Runnable success, java.util.function.Consumer<Throwable> failure) {
        return new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                int[] codes = token.getReasonCodes();
                if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                    failure.accept(new IllegalStateException("reason code 0x" + Integer.toHexString(codes[0])));
                } else {
                    success.run();
                }
            }

            @Override
            public void onFailure(IMqttToken token, Throwable cause) {
                failure.accept(cause);
            }
        };
    }
}
