package org.telekiosk.broker.mqtt;

import java.util.ArrayList;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of Paho MQTT 5 clients for good: each with a clean DISCONNECT (reason 0: no Will, the session stays),
 * waiting at most 3 s in all until every DISCONNECT was sent and its connection ended. Paho's {@code disconnect}
 * hands the DISCONNECT to a thread of its own and then sleeps 100 ms regardless (MqttAsyncClient 1.2.5), which made
 * every node stop wait 100 ms per intake connection. So each client's disconnect runs on a virtual thread of its
 * own, which closes the client once Paho returns; the caller waits for the DISCONNECTs themselves (their listener).
 */
final class PahoDisconnect {
    private static final Logger LOG = LoggerFactory.getLogger(PahoDisconnect.class);

    private PahoDisconnect() {
    }

    static void closeAll(Collection<MqttAsyncClient> clients) {
        var disconnects = new ArrayList<CompletableFuture<Void>>();
        for (MqttAsyncClient client : clients) {
            var disconnected = new CompletableFuture<Void>();
            disconnects.add(disconnected);
            Thread.ofVirtual().name("mqtt-subscriber-close").start(() -> disconnectAndClose(client, disconnected));
        }
        try {
            CompletableFuture.allOf(disconnects.toArray(CompletableFuture[]::new)).get(3, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("Disconnect of the MQTT subscriber failed: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void disconnectAndClose(MqttAsyncClient client, CompletableFuture<Void> disconnected) {
        try {
            if (client.isConnected()) {
                client.disconnect(2_000, null, new MqttActionListener() {
                    @Override
                    public void onSuccess(IMqttToken token) {
                        disconnected.complete(null);
                    }

                    @Override
                    public void onFailure(IMqttToken token, Throwable failure) {
                        disconnected.completeExceptionally(failure);
                    }
                }, 0, new MqttProperties()).waitForCompletion(3_000);
            }
        } catch (MqttException e) {
            disconnected.completeExceptionally(e);
        }
        disconnected.complete(null); // not connected, or Paho gave up: nothing more to wait for
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("Closing the MQTT subscriber failed: {}", e.getMessage());
        }
    }
}
