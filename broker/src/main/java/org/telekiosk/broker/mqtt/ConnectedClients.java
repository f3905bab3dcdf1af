package org.telekiosk.broker.mqtt;

import com.hivemq.extension.sdk.api.events.client.ClientLifecycleEventListener;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationFailedInput;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationSuccessfulInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionStartInput;
import com.hivemq.extension.sdk.api.events.client.parameters.DisconnectEventInput;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which MQTT clients are connected now, by client id, from HiveMQ's lifecycle events; for the fleet view. Counts
 * connections per client id, because on a session takeover the new connection's success may be reported before the
 * old one's disconnect. Never blocks.
 */
final class ConnectedClients implements ClientLifecycleEventListener {
    private final Map<String, Integer> connections = new ConcurrentHashMap<>();
    private final PubackAcks pubackAcks;

    ConnectedClients() {
        this(PubackAcks.off());
    }

    /** @param pubackAcks told of every connection let in and every one that ended */
    ConnectedClients(PubackAcks pubackAcks) {
        this.pubackAcks = pubackAcks;
    }

    boolean isConnected(String clientId) {
        return connections.containsKey(clientId);
    }

    java.util.Set<String> clientIds() {
        return java.util.Set.copyOf(connections.keySet());
    }

    int count() {
        return connections.size();
    }

    @Override
    public void onMqttConnectionStart(ConnectionStartInput input) {
        // Counted once authenticated.
    }

    @Override
    public void onAuthenticationSuccessful(AuthenticationSuccessfulInput input) {
        connections.merge(input.getClientInformation().getClientId(), 1, Integer::sum);
        pubackAcks.connected(input.getClientInformation().getClientId(), input.getConnectionInformation());
    }

    @Override
    public void onAuthenticationFailedDisconnect(AuthenticationFailedInput input) {
        // Never counted.
    }

    @Override
    public void onDisconnect(DisconnectEventInput input) {
        connections.computeIfPresent(input.getClientInformation().getClientId(), (id, n) -> n > 1 ? n - 1 : null);
        pubackAcks.disconnected(input.getClientInformation().getClientId(), input.getConnectionInformation());
    }
}
