package org.telekiosk.agent.uplink;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** A second, plain Paho client that subscribes with QoS 1 and keeps what arrives, as the broker's bridge would. */
final class TestSubscriber implements AutoCloseable {
    /** One received PUBLISH. */
    record Received(String topic, byte[] payload) {}

    private final MqttAsyncClient client;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    TestSubscriber(EmbeddedBroker broker, String topicFilter) throws Exception {
        client = new MqttAsyncClient(broker.uri().toString(), EmbeddedBroker.SUBSCRIBER, new MemoryPersistence());
        client.setCallback(new Collector());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(EmbeddedBroker.SUBSCRIBER);
        options.setPassword(broker.passwordOf(EmbeddedBroker.SUBSCRIBER).getBytes(StandardCharsets.UTF_8));
        options.setSocketFactory(CaTrust.socketFactory(broker.caPem()));
        options.setCleanStart(true);
        client.connect(options).waitForCompletion(10_000);
        IMqttToken subscribed = client.subscribe(topicFilter, 1);
        subscribed.waitForCompletion(10_000);
        if (subscribed.getReasonCodes()[0] >= 0x80) {
            throw new IllegalStateException("subscription refused: " + subscribed.getReasonCodes()[0]);
        }
    }

    /** Publishes {@code payload} on {@code topic} with QoS 1, as the broker does on a kiosk's downlink. */
    void publish(String topic, byte[] payload, boolean retained) throws MqttException {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(1);
        message.setRetained(retained);
        client.publish(topic, message).waitForCompletion(10_000);
    }

    BlockingQueue<Received> received() {
        return received;
    }

    @Override
    public void close() throws MqttException {
        try {
            client.disconnect().waitForCompletion(5_000);
        } finally {
            client.close();
        }
    }

    private final class Collector implements MqttCallback {
        @Override
        public void messageArrived(String topic, MqttMessage message) {
            received.add(new Received(topic, message.getPayload()));
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}
