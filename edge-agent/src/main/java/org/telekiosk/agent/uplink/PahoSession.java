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
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.downlink.Command;
import org.telekiosk.protocol.downlink.KioskDownlink;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.telemetry.Presence;
import org.telekiosk.protocol.topic.AckNegotiation;
import org.telekiosk.protocol.topic.Topics;

/**
 * One Paho client for one network connection: made for a connect attempt, closed when the attempt fails or the
 * connection drops, never reconnected. A fresh client per connection sidesteps the state Paho 1.2.5 carries over a
 * reconnect (restored in-flight messages that count against its window, a client stuck buffering); the session
 * itself lives on at the broker (Clean Start 0 and a Session Expiry Interval, MQTT 5 §3.1.2.4, §3.1.2.11.2). The
 * broker deduplicates by (kiosk, seq), so what our caller resends after a drop needs no original packet identifier.
 * Events arrive on Paho's threads; the receiver must only hand them on.
 *
 * <p>Each connection says whether the kiosk is online ({@link Presence}, on the kiosk's status topic): its CONNECT
 * carries a Will (§3.1.2.5, Will Delay 0, QoS 1, not retained) saying {@code offline}, which the MQTT broker
 * publishes when the connection ends other than by a DISCONNECT with reason 0x00; right after the CONNACK it
 * publishes {@code online}; and an orderly {@link #close} disconnects with reason 0x04 "Disconnect with Will Message"
 * (§3.14.2.1), so that the Will is published then too. Both carry this connection's number.
 */
final class PahoSession {
    private static final Logger log = LoggerFactory.getLogger(PahoSession.class);
    private static final long DISCONNECT_TIMEOUT_MILLIS = 2_000;
    private static final long CONNECT_OUTCOME_TIMEOUT_MILLIS = 5_000;
    private static final int QOS_AT_LEAST_ONCE = 1;
    private static final int DEFAULT_RECEIVE_MAXIMUM = 65_535;
    /** DISCONNECT reason "Disconnect with Will Message" (MQTT 5 §3.14.2.1): the session stays, the Will goes out. */
    static final int DISCONNECT_WITH_WILL = 0x04;
    /**
     * How long after the SUBACK a connection of a kiosk that holds readings waits at most (a quarter of the connect
     * timeout if that is less) for the retained store acknowledgement before it is reported (and the outbox sends).
     * The broker sends it right behind the SUBACK on the same connection when it holds one, so the link's round trip
     * does not count and the wait normally ends within milliseconds; it runs out only where the MQTT broker lost it
     * (a crash) or holds none for this kiosk (never acknowledged, or revoked and enrolled again), and then the kiosk
     * resends what it holds, which the store keeps once. Generous, because a kiosk's CPU may be busy.
     */
    static final java.time.Duration RETAINED_ACK_WAIT = java.time.Duration.ofSeconds(5);

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
    private volatile SessionReady ready;
    private final ScheduledExecutorService scheduler;
    private final java.time.Duration retainedAckWait;
    private final java.util.function.BooleanSupplier holding;
    private final KioskId kiosk;
    private final java.util.function.Consumer<StoreAck> storeAcks;
    private final java.util.function.Consumer<Command> commands;
    private final WireCodec codec =
            WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
    private final long connection;
    /** Whether this connection's CONNACK granted the PUBACK as the store acknowledgement; set before it is reported. */
    private volatile boolean pubackIsStoreAck;

    /** @param storeAcks takes every {@link StoreAck} of this kiosk, on a Paho thread */
    PahoSession(UplinkSettings settings, SSLSocketFactory tls, ScheduledExecutorService pahoThreads, Events events,
            java.util.function.Consumer<StoreAck> storeAcks,
            java.util.function.Consumer<Command> commands,
            java.util.function.BooleanSupplier holding, long connection) throws MqttException {
        this.connection = connection;
        this.commands = commands;
        this.holding = holding;
        this.scheduler = pahoThreads;
        // Well inside the connect timeout, which also covers TCP, TLS and the CONNACK.
        this.retainedAckWait = settings.connectTimeout().dividedBy(4).compareTo(RETAINED_ACK_WAIT) < 0
                ? settings.connectTimeout().dividedBy(4) : RETAINED_ACK_WAIT;
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
        MqttMessage will = new MqttMessage(codec.encode(presence(Presence.State.OFFLINE)));
        will.setQos(QOS_AT_LEAST_ONCE);
        will.setRetained(false);
        options.setWill(Topics.status(kiosk), will);
        options.setWillMessageProperties(new MqttProperties());
    }

    private Presence presence(Presence.State state) {
        return new Presence(kiosk, state, connection);
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
        // This agent deletes a reading on a PUBACK 0x00 where the broker grants it (protocol/README.md).
        options.setUserProperties(new java.util.ArrayList<>(java.util.List.of(
                new UserProperty(AckNegotiation.NAME, AckNegotiation.PUBACK))));
        return options;
    }

    /** Starts the TCP, TLS and CONNECT exchange; the outcome arrives as an event. */
    void connect() throws MqttException {
        connecting = client.connect(options, null, new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                MqttProperties connack = token.getResponseProperties();
                Integer receiveMaximum = connack == null ? null : connack.getReceiveMaximum();
                // Absent Receive Maximum means 65,535 (MQTT 5 §3.2.2.3.3); absent Retain Available means 1 (§3.2.2.3.5).
                Boolean retainAvailable = connack == null ? null : connack.isRetainAvailable();
                int maximum = receiveMaximum == null ? DEFAULT_RECEIVE_MAXIMUM : receiveMaximum;
                boolean sessionPresent = token.getSessionPresent();
                pubackIsStoreAck = connack != null && connack.getUserProperties() != null && connack
                        .getUserProperties().stream().anyMatch(p -> AckNegotiation.isPubackAck(p.getKey(), p.getValue()));
                ready = new SessionReady(!Boolean.FALSE.equals(retainAvailable), holding, scheduler, retainedAckWait,
                        () -> events.connected(PahoSession.this, maximum, sessionPresent));
                announceOnline();
                subscribeDownlink();
            }

            @Override
            public void onFailure(IMqttToken token, Throwable cause) {
                events.connectFailed(PahoSession.this, cause);
            }
        });
    }

    /**
     * Publishes {@code online} with this connection's number (QoS 1). The connection is reported only after its PUBACK
     * (or its failure, logged), so that it never competes with the outbox's publishes for the server's Receive
     * Maximum.
     */
    private void announceOnline() {
        try {
            publish(Topics.status(kiosk), codec.encode(presence(Presence.State.ONLINE)), new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    ready.announced();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    log.warn("Announcing this connection as online failed: {}", Failures.describe(cause));
                    ready.announced();
                }
            });
        } catch (MqttException | RuntimeException e) {
            log.warn("Announcing this connection as online failed: {}", Failures.describe(e));
            ready.announced();
        }
    }

    /**
     * Subscribes to the kiosk's downlink on every connection (also when the session was kept): the subscription
     * makes the MQTT broker send the retained store acknowledgement (MQTT 5 §3.3.1.3, Retain Handling 0), which is
     * handed on before the connection is reported, so that the outbox deletes what the store holds before it sends
     * anything. A failed or refused subscription is logged and the connection reported at once: acknowledgements
     * then come with the next connection, and until then the outbox keeps what it holds (and resends it).
     */
    private void subscribeDownlink() {
        try {
            client.subscribe(Topics.downlink(kiosk), QOS_AT_LEAST_ONCE, null, new MqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken token) {
                            int[] codes = token.getReasonCodes();
                            boolean refused = codes != null && codes.length > 0 && codes[0] >= 0x80;
                            if (refused) {
                                log.warn("The broker refused the subscription to {} (reason code 0x{})",
                                        Topics.downlink(kiosk), Integer.toHexString(codes[0]));
                            }
                            ready.subscribed(!refused);
                        }

                        @Override
                        public void onFailure(IMqttToken token, Throwable cause) {
                            log.warn("Subscribing to {} failed: {}", Topics.downlink(kiosk), Failures.describe(cause));
                            ready.subscribed(false);
                        }
                    });
        } catch (MqttException | RuntimeException e) {
            log.warn("Subscribing to {} failed: {}", Topics.downlink(kiosk), Failures.describe(e));
            ready.subscribed(false);
        }
    }

    /**
     * Whether the CONNACK carried {@code telekiosk-ack} = {@code puback}: a PUBACK below 0x80 on this connection says
     * the broker's store holds the reading (sent after its commit), one of 0x80 or more that it refused it.
     */
    boolean pubackIsStoreAck() {
        return pubackIsStoreAck;
    }

    /** Hands one QoS 1 publish to Paho; its PUBACK or failure arrives at {@code listener} on a Paho thread. */
    void publish(String topic, byte[] payload, MqttActionListener listener) throws MqttException {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(QOS_AT_LEAST_ONCE);
        message.setRetained(false);
        client.publish(topic, message, null, listener);
    }

    /**
     * Sends DISCONNECT if still connected (reason 0x04, so the broker keeps the session and publishes the Will that
     * says the kiosk is offline, MQTT 5 §3.14.2.1), closes
     * every socket the client opened, lets a connect in progress fail by itself, and closes the client, which ends
     * all of its threads. Never throws: it runs on the way out of every failure.
     */
    void close() {
        SessionReady pending = ready;
        if (pending != null) {
            pending.cancel();
        }
        boolean disconnected = false;
        if (client.isConnected()) {
            try {
                // Not disconnectForcibly(..., sendDisconnect = true): Paho 1.2.5 never completes the token it waits
                // on there, so every close would sit out the whole timeout. disconnect() completes it once sent.
                client.disconnect(0, null, null, DISCONNECT_WITH_WILL, new MqttProperties())
                        .waitForCompletion(DISCONNECT_TIMEOUT_MILLIS);
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
                KioskDownlink downlink =
                        codec.decode(message.getPayload(), KioskDownlink.class);
                switch (downlink) {
                    case StoreAck ack when ack.kiosk().equals(kiosk) -> {
                        storeAcks.accept(ack);
                        SessionReady current = ready;
                        if (current != null) {
                            current.acknowledged();
                        }
                    }
                    case StoreAck ack ->
                            log.warn("Ignoring a store acknowledgement for kiosk {} on our topic", ack.kiosk());
                    case Command command when command.kiosk().equals(kiosk)
                            && topic.equals(Topics.commands(kiosk)) -> commands.accept(command);
                    case Command command ->
                            log.warn("Ignoring a command {} for kiosk {} on {}", command.id(), command.kiosk(), topic);
                }
            } catch (MalformedMessageException e) {
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
