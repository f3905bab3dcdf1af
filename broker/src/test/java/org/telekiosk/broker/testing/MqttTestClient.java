package org.telekiosk.broker.testing;

import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

/** Paho v5 clients for tests that play a kiosk (or an intruder) against the embedded MQTT broker. */
public final class MqttTestClient {
    private MqttTestClient() {}

    /** Connects with the given user name and password (either may be null); throws if the broker refuses. */
    public static MqttClient connect(BrokerExtension broker, String clientId, String username, String password)
            throws MqttException {
        MqttClient client = new MqttClient(broker.broker().mqttUri().toString(), clientId, new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setSocketFactory(broker.tls().getSocketFactory());
        options.setHttpsHostnameVerificationEnabled(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        if (username != null) {
            options.setUserName(username);
        }
        if (password != null) {
            options.setPassword(password.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        try {
            client.connect(options);
        } catch (MqttException e) {
            client.close(true);
            throw e;
        }
        return client;
    }
}
