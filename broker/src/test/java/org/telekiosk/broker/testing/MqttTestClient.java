package org.telekiosk.broker.testing;

import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

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
}
