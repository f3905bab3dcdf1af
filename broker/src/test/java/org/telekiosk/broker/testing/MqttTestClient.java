package org.telekiosk.broker.testing;

import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** Paho v5 clients for tests that play a kiosk (or an intruder) against the embedded MQTT broker. */
public final class MqttTestClient {
    private MqttTestClient() {}

    /** Connects over TLS with {@code tls} (which may present a client certificate); throws if refused. */
    public static MqttClient connect(BrokerExtension broker, String clientId, SSLContext tls) throws MqttException {
        return connect(broker.broker().mqttUri().toString(), clientId, tls);
    }

    public static MqttClient connect(String uri, String clientId, SSLContext tls) throws MqttException {
        MqttClient client = new MqttClient(uri, clientId, new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setSocketFactory(tls.getSocketFactory());
        options.setHttpsHostnameVerificationEnabled(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        try {
            client.connect(options);
        } catch (MqttException e) {
            client.close(true);
            throw e;
        }
        return client;
    }

    /**
     * Like {@link #connect(BrokerExtension, String, SSLContext)}, but the asynchronous client, whose tokens carry the
     * PUBACK's reason code (MQTT 5 §3.4.2.1).
     */
    public static MqttAsyncClient connectAsync(BrokerExtension broker, String clientId, SSLContext tls)
            throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(broker.broker().mqttUri().toString(), clientId,
                new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setSocketFactory(tls.getSocketFactory());
        options.setHttpsHostnameVerificationEnabled(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        try {
            client.connect(options).waitForCompletion(30_000);
        } catch (MqttException e) {
            client.close(true);
            throw e;
        }
        return client;
    }

    /**
     * Completes with the DISCONNECT (or the loss) that ends {@code client}'s connection; replaces the client's callback.
     */
    public static CompletableFuture<MqttDisconnectResponse> disconnectOf(MqttAsyncClient client) {
        CompletableFuture<MqttDisconnectResponse> lost = new CompletableFuture<>();
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                lost.complete(response);
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {}

            @Override
            public void messageArrived(String topic, MqttMessage message) {}

            @Override
            public void deliveryComplete(IMqttToken token) {}

            @Override
            public void connectComplete(boolean reconnect, String uri) {}

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {}
        });
        return lost;
    }
}
