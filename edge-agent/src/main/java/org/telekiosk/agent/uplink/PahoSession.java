package org.telekiosk.agent.uplink;

import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.mqttv5.client.DisconnectedBufferOptions;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.protocol.topic.Topics;

/**
 * One Paho client for one network connection: made for a connect attempt, closed when the attempt fails or the
 * connection drops, never reconnected. A fresh client per connection sidesteps the state Paho 1.2.5 carries over a
 * reconnect (restored in-flight messages that count against its window, a client stuck buffering); the session
 * itself lives on at the broker (Clean Start 0 and a Session Expiry Interval, MQTT 5 §3.1.2.4, §3.1.2.11.2). The
 * broker deduplicates by (kiosk, seq), so what our caller resends after a drop needs no original packet identifier.
 * Events arrive on Paho's threads; the receiver must only hand them on.
 */
final class PahoSession {
    private static final Logger log = LoggerFactory.getLogger(PahoSession.class);
    private static final long DISCONNECT_TIMEOUT_MILLIS = 2_000;
    private static final long CONNECT_OUTCOME_TIMEOUT_MILLIS = 5_000;
    private static final int QOS_AT_LEAST_ONCE = 1;
    private static final int DEFAULT_RECEIVE_MAXIMUM = 65_535;

    /** What a session reports, on one of Paho's threads. */
    interface Events {
        void connected(PahoSession session, int serverReceiveMaximum, boolean sessionPresent);

        void connectFailed(PahoSession session, Throwable cause);

        void lost(PahoSession session, String reason);
    }

    private final MqttAsyncClient client;
    private final TrackingSocketFactory sockets;
    private final MqttConnectionOptions options;
    private final Events events;
    private volatile IMqttToken connecting;
    private final org.telekiosk.protocol.KioskId kiosk;
    private final java.util.function.Consumer<org.telekiosk.protocol.downlink.StoreAck> storeAcks;
    private final java.util.function.Consumer<org.telekiosk.protocol.downlink.Command> commands;
    private final org.telekiosk.protocol.codec.WireCodec codec =
            org.telekiosk.protocol.codec.WireCodec.cbor(org.telekiosk.protocol.codec.WireCodec.DEFAULT_MAX_BYTES);

    /** @param storeAcks takes every {@link org.telekiosk.protocol.downlink.StoreAck} of this kiosk, on a Paho thread */
    PahoSession(UplinkSettings settings, SSLSocketFactory tls, ScheduledExecutorService pahoThreads, Events events,
            java.util.function.Consumer<org.telekiosk.protocol.downlink.StoreAck> storeAcks,
            java.util.function.Consumer<org.telekiosk.protocol.downlink.Command> commands) throws MqttException {
        this.commands = commands;
        this.events = events;
        this.kiosk = settings.kiosk();
        this.storeAcks = storeAcks;
        String clientId = settings.kiosk().value();
        // Explicit MemoryPersistence: Paho's default file persistence leaves lock files in the working directory.
        this.client = new MqttAsyncClient(TlsNetworkModuleFactory.pahoUri(settings.serverUri()), clientId,
                new MemoryPersistence(), null, pahoThreads);
        DisconnectedBufferOptions noBuffer = new DisconnectedBufferOptions();
        noBuffer.setBufferEnabled(false);
        client.setBufferOpts(noBuffer);
        client.setCallback(new Callback());
        this.sockets = new TrackingSocketFactory(tls);
        this.options = options(settings, sockets);
    }

    private static MqttConnectionOptions options(UplinkSettings settings, SSLSocketFactory tls) {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(settings.sessionExpiry().toSeconds());
        if (settings.password() != null) {
            options.setUserName(settings.kiosk().value());
            options.setPassword(settings.password().bytes());
        }
        options.setAutomaticReconnect(false);
        // TlsNetworkModule verifies the host name itself; the switch covers Paho's own module for ssl:// URIs.
        options.setSocketFactory(tls);
        options.setHttpsHostnameVerificationEnabled(true);
        options.setKeepAliveInterval((int) settings.keepAlive().toSeconds());
        options.setConnectionTimeout((int) settings.connectTimeout().toSeconds());
        return options;
    }

    /** Starts the TCP, TLS and CONNECT exchange; the outcome arrives as an event. */
    void connect() throws MqttException {
        connecting = client.connect(options, null, new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                MqttProperties connack = token.getResponseProperties();
                Integer receiveMaximum = connack == null ? null : connack.getReceiveMaximum();
                subscribeDownlink();
                // An absent Receive Maximum means 65,535 (MQTT 5 §3.2.2.3.3).
                events.connected(PahoSession.this,
                        receiveMaximum == null ? DEFAULT_RECEIVE_MAXIMUM : receiveMaximum,
                        token.getSessionPresent());
            }

            @Override
            public void onFailure(IMqttToken token, Throwable cause) {
                events.connectFailed(PahoSession.this, cause);
            }
        });
    }

    /**
     * Subscribes to the kiosk's downlink on every connection (also when the session was kept): the subscription
     * makes the MQTT broker send the retained store acknowledgement (MQTT 5 §3.3.1.3, Retain Handling 0). A failure
     * is only logged: acknowledgements then come with the next connection, and until then the outbox keeps what it
     * holds (and resends it after its timeout).
     */
    private void subscribeDownlink() {
        try {
            client.subscribe(Topics.downlink(kiosk), QOS_AT_LEAST_ONCE, null, new MqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken token) {
                            int[] codes = token.getReasonCodes();
                            if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                                log.warn("The broker refused the subscription to {} (reason code 0x{})",
                                        Topics.downlink(kiosk), Integer.toHexString(codes[0]));
                            }
                        }

                        @Override
                        public void onFailure(IMqttToken token, Throwable cause) {
                            log.warn("Subscribing to {} failed: {}", Topics.downlink(kiosk), Failures.describe(cause));
                        }
                    });
        } catch (MqttException | RuntimeException e) {
            log.warn("Subscribing to {} failed: {}", Topics.downlink(kiosk), Failures.describe(e));
        }
    }

    /** Hands one QoS 1 publish to Paho; its PUBACK or failure arrives at {@code listener} on a Paho thread. */
    void publish(String topic, byte[] payload, MqttActionListener listener) throws MqttException {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(QOS_AT_LEAST_ONCE);
        message.setRetained(false);
        client.publish(topic, message, null, listener);
    }

    /**
     * Sends DISCONNECT if still connected (reason 0x00, so the broker keeps the session, MQTT 5 §3.14.2.1), closes
     * every socket the client opened, lets a connect in progress fail by itself, and closes the client, which ends
     * all of its threads. Never throws: it runs on the way out of every failure.
     */
    void close() {
        boolean disconnected = false;
        if (client.isConnected()) {
            try {
                // Not disconnectForcibly(..., sendDisconnect = true): Paho 1.2.5 never completes the token it waits
                // on there, so every close would sit out the whole timeout. disconnect() completes it once sent.
                client.disconnect(0).waitForCompletion(DISCONNECT_TIMEOUT_MILLIS);
                disconnected = true;
            } catch (MqttException | RuntimeException e) {
                log.debug("Sending DISCONNECT: {}", Failures.describe(e));
            }
        }
        // Stopping Paho while its connect thread is starting the receiver can leave that thread spinning forever
        // (see TlsNetworkModule); with its socket closed, a connect in progress fails and cleans up by itself.
        sockets.closeAll();
        awaitConnectOutcome();
        if (!disconnected) {
            try {
                client.disconnectForcibly(0, 0, false);
            } catch (MqttException | RuntimeException e) {
                // Paho 1.2.5 throws from half-torn-down clients (even NullPointerException); the connection is
                // gone either way, and a stack trace would say nothing new.
                log.debug("Tearing down the MQTT connection: {}", Failures.describe(e));
            }
        }
        try {
            client.close();
        } catch (MqttException | RuntimeException e) {
            log.debug("Closing the MQTT client: {}", Failures.describe(e));
        }
    }

    private void awaitConnectOutcome() {
        IMqttToken token = connecting;
        if (token == null) {
            return;
        }
        try {
            // Returns at once once the connect succeeded, throws at once once it failed.
            token.waitForCompletion(CONNECT_OUTCOME_TIMEOUT_MILLIS);
        } catch (MqttException e) {
            if (e.getReasonCode() == MqttClientException.REASON_CODE_CLIENT_TIMEOUT) {
                log.warn("Paho did not finish a connect attempt within {} ms after its socket was closed",
                        CONNECT_OUTCOME_TIMEOUT_MILLIS);
            } else {
                log.debug("Connect attempt ended: {}", Failures.describe(e));
            }
        }
    }

    private final class Callback implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
            events.lost(PahoSession.this, Failures.describe(response));
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            log.debug("MQTT client error: {}", Failures.describe(exception));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            if (!topic.equals(Topics.acks(kiosk)) && !topic.equals(Topics.commands(kiosk))) {
                return;
            }
            try {
                org.telekiosk.protocol.downlink.KioskDownlink downlink =
                        codec.decode(message.getPayload(), org.telekiosk.protocol.downlink.KioskDownlink.class);
                switch (downlink) {
                    case org.telekiosk.protocol.downlink.StoreAck ack when ack.kiosk().equals(kiosk) ->
                            storeAcks.accept(ack);
                    case org.telekiosk.protocol.downlink.StoreAck ack ->
                            log.warn("Ignoring a store acknowledgement for kiosk {} on our topic", ack.kiosk());
                    case org.telekiosk.protocol.downlink.Command command when command.kiosk().equals(kiosk)
                            && topic.equals(Topics.commands(kiosk)) -> commands.accept(command);
                    case org.telekiosk.protocol.downlink.Command command ->
                            log.warn("Ignoring a command {} for kiosk {} on {}", command.id(), command.kiosk(), topic);
                }
            } catch (org.telekiosk.protocol.MalformedMessageException e) {
                log.warn("Ignoring a malformed message on {}: {}", topic, e.getMessage());
            }
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // Publishes complete through their own listeners.
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            // Reported through the connect listener, which also carries the CONNACK properties.
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            // No enhanced authentication (MQTT 5 §4.12).
        }
    }
}
