package org.telekiosk.broker.mqtt;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.protocol.retry.ReconnectPolicy;

/**
 * The broker's MQTT client (Paho v5), one per node: its connection to the MQTT broker, the one {@link Subscription}
 * it holds, and the downlink publishes to kiosks.
 *
 * <p><b>Nothing acknowledged before it is taken care of.</b> Acknowledgements are manual ({@link AckLine}): a message
 * is acknowledged once its subscription's stage completed (a reading: committed to the store), in arrival order (MQTT 5
 * §4.6). A message whose stage failed is not acknowledged; the client reconnects and the MQTT broker sends it again.
 * ({@code ManualAckLoopTest} runs bursts through it in a loop.)
 *
 * <p><b>A session that outlives the connection.</b> The client id is stable ({@link ClientIdFile}), Clean Start is 0
 * and the session expiry is {@value #SESSION_EXPIRY_SECONDS} s (§3.1.2.11.2): while this client reconnects, or the
 * embedded MQTT broker restarts (file persistence), the MQTT broker queues the group's messages instead of
 * acknowledging kiosks' readings that no subscriber takes, and sends what was unacknowledged again.
 *
 * <p>Paho's automatic reconnect is off (its delays live in a static field shared by every client of the JVM): this
 * class reconnects as every MQTT client of the project does, by a {@link ReconnectPolicy}, one chain of attempts at a
 * time ({@link Reconnects}). Paho's persistence is explicit and in memory: nothing is written to the working
 * directory.
 */
public final class BrokerMqttClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerMqttClient.class);
    private static final int RECEIVE_MAXIMUM = 1000;
    /** How long the MQTT broker keeps this client's session (and queues for it) while it is away: 7 days. */
    static final long SESSION_EXPIRY_SECONDS = 7 * 24 * 3600;

    private final MqttAsyncClient client;
    private final MqttConnectionOptions options;
    private final ScheduledExecutorService scheduler;
    private final Reconnects reconnects;
    private final Downlink downlink;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AckLine acks;
    private final AtomicLong arrivals = new AtomicLong();
    private final AtomicLong stallChecks = new AtomicLong();
    private final AtomicLong stallRestarts = new AtomicLong();
    /** On the scheduler thread only. */
    private final StallWatch stallWatch = new StallWatch(2);
    private volatile Subscription subscription;
    private volatile boolean subscribed;
    private final SubscriptionRequests requests;
    /**
     * Set by {@link #stopTaking}: a message arriving afterwards is neither handled nor acknowledged, so the MQTT broker
     * keeps it for the session (or hands it to another member of the shared group) and sends it again.
     */
    private volatile boolean stoppedTaking;

    /**
     * @param tls trusts the broker's CA and presents this node's service certificate, by which the MQTT broker's
     *            authenticator knows it (no user name or password is sent)
     */
    public BrokerMqttClient(String serverUri, String clientId, SSLSocketFactory tls) throws IOException {
        this(serverUri, clientId, tls, true);
    }

    /**
     * @param durable whether the session outlives the connection ({@value #SESSION_EXPIRY_SECONDS} s, Clean Start 0,
     *                as the intake needs); otherwise every connection starts afresh and the MQTT broker queues
     *                nothing while this client is away (the relay between nodes: a live view needs no backlog)
     */
    public BrokerMqttClient(String serverUri, String clientId, SSLSocketFactory tls, boolean durable)
            throws IOException {
        try {
            this.client = new MqttAsyncClient(serverUri, clientId, new MemoryPersistence());
        } catch (MqttException e) {
            throw new IOException("cannot create the broker's MQTT client for " + serverUri + ": " + e.getMessage(),
                    e);
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("mqtt-subscriber-reconnect").daemon().factory());
        this.options = new MqttConnectionOptions();
        options.setSocketFactory(tls);
        options.setHttpsHostnameVerificationEnabled(true);
        options.setAutomaticReconnect(false);
        options.setCleanStart(!durable);
        options.setSessionExpiryInterval(durable ? SESSION_EXPIRY_SECONDS : 0L);
        options.setReceiveMaximum(RECEIVE_MAXIMUM);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(10);
        this.downlink = new Downlink(client);
        client.setCallback(new Callback());
        client.setManualAcks(true);
        this.reconnects = new Reconnects(Reconnects.policy(new SecureRandom()), (delay, attempt) -> {
            try {
                scheduler.schedule(attempt, delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // closed meanwhile: no attempt
            }
        }, this::connect);
        this.acks = new AckLine(client::messageArrivedComplete, this::lineFailed);
        this.requests = new SubscriptionRequests(client, scheduler, Reconnects.policy(new SecureRandom()), closed::get,
                () -> {
                    reconnects.usable();
                    subscribed = true;
                }, () -> subscribed = false);
    }

    /**
     * The acknowledgement line gave a message up (its handling failed, or its PUBACK could not be sent): reconnect, on
     * the scheduler. The line calls this from the thread that completed the message (the store's writer), also while
     * or after the node stops: once this client is closed (its scheduler shut down) there is nothing to reconnect, and
     * the completion must not fail on the scheduler's refusal.
     */
    private void lineFailed() {
        if (closed.get()) {
            return;
        }
        try {
            scheduler.execute(this::restart);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // closed meanwhile: no reconnect
        }
    }

    /** The acknowledgement line, for tests of its failure path. */
    AckLine ackLine() {
        return acks;
    }

    /** What to subscribe to on every connection. Call once, before {@link #start()}. */
    public void subscribe(Subscription subscription) {
        if (this.subscription != null) {
            throw new IllegalStateException("the broker's MQTT client holds one subscription");
        }
        this.subscription = Objects.requireNonNull(subscription, "subscription");
    }

    /**
     * Watches for HiveMQ CE's known stall of shared QoS 1 subscriptions with persistent sessions (seen here after a
     * SIGKILL of the broker: the session resumed, the subscription was granted, and nothing was delivered until the
     * client reconnected; reported upstream by others as subscribers going idle): every {@code interval}, if the MQTT
     * broker routed kiosks' publishes to the subscription ({@code routedPublishes}) but none arrived on any
     * connection of {@code group} (the node's intake connections, this one among them) and none of them held a
     * message unacknowledged, for two checks in a row, this connection is dropped and made again, which makes HiveMQ
     * hand the group's messages out again; every connection of the group watches, so all of them reconnect. Nothing
     * is lost either way: the messages wait in HiveMQ's queue. {@link StallWatch} says why the group and why routed
     * publishes. Call before {@link #start()}.
     */
    public void watchForStalls(LongSupplier routedPublishes, java.util.List<BrokerMqttClient> group,
            Duration interval) {
        java.util.List<BrokerMqttClient> members = java.util.List.copyOf(group);
        if (!members.contains(this)) {
            throw new IllegalArgumentException("the group watched must contain this connection");
        }
        scheduler.scheduleWithFixedDelay(() -> checkStall(routedPublishes, members), interval.toMillis(),
                interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void checkStall(LongSupplier routedPublishes, java.util.List<BrokerMqttClient> group) {
        long arrived = group.stream().mapToLong(c -> c.arrivals.get()).sum();
        int held = group.stream().mapToInt(c -> c.acks.waiting()).sum();
        long taken = stallWatch.check(subscribed, routedPublishes.getAsLong(), arrived, held);
        stallChecks.incrementAndGet();
        if (taken > 0) {
            stallRestarts.incrementAndGet();
            LOG.warn("The MQTT broker routed {} kiosk publishes to the shared subscription since the last check but "
                    + "delivered none to this node's {} intake connection(s); reconnecting (HiveMQ CE stall of a "
                    + "shared QoS 1 subscription)", taken, group.size());
            restart();
        }
    }

    /** Checks of the stall watch since start. */
    public long stallChecks() {
        return stallChecks.get();
    }

    /**
     * SUBACKs with a reason code of 0x80 or above since start ({@link SubscriptionRequests}): each time the node
     * received nothing on this connection's subscription until a later request was granted.
     */
    public long subscriptionsRefused() {
        return requests.refused();
    }

    /** Reconnects because of a stall ({@link #watchForStalls}) since start. */
    public long stallRestarts() {
        return stallRestarts.get();
    }

    /** Messages acknowledged (after being taken care of) since start. */
    public long acknowledgedCount() {
        return acks.acknowledgedCount();
    }

    /**
     * Drops the connection so that the MQTT broker sends the unacknowledged messages again (the acknowledgement line's
     * failure, the stall watch; package-private for tests of a loss reported twice).
     */
    void restart() {
        subscribed = false;
        if (closed.get()) {
            return;
        }
        try {
            client.disconnectForcibly(0, 2_000, false);
        } catch (MqttException e) {
            LOG.debug("Dropping the MQTT subscriber's connection failed: {}", e.getMessage());
        }
        reconnects.lost("reconnecting so that the unacknowledged messages are delivered again");
    }

    /**
     * Publishes {@code payload} on a downlink topic with QoS 0, retained ({@link Downlink#publishRetained}): whether
     * the client took it. Any thread except HiveMQ's.
     */
    public boolean publishRetained(String topic, byte[] payload) {
        return downlink.publishRetained(topic, payload);
    }

    /** Publishes {@code payload} with QoS 0, not retained ({@link Downlink#publish}). Any thread except HiveMQ's. */
    public void publish(String topic, byte[] payload) {
        downlink.publish(topic, payload);
    }

    /**
     * Publishes {@code payload} with QoS 1 and a message expiry interval ({@link Downlink#publishExpiring}); completes
     * on the PUBACK. Any thread except HiveMQ's.
     */
    public CompletableFuture<Void> publishExpiring(String topic, byte[] payload, long expirySeconds) {
        return downlink.publishExpiring(topic, payload, expirySeconds);
    }

    /** Starts connecting in the background. */
    public void start() {
        if (subscription == null) {
            throw new IllegalStateException("subscribe before start");
        }
        reconnects.first();
        connect();
    }

    /** Whether the subscription is active right now. */
    public boolean isSubscribed() {
        return subscribed && client.isConnected();
    }

    /** One attempt of the reconnect chain ({@link Reconnects}): on the scheduler, or the caller's thread at start. */
    private void connect() {
        if (closed.get()) {
            reconnects.connected();
            return;
        }
        if (client.isConnected()) {
            reconnects.connected(); // not expected with one chain at a time; never a second connection's line below
            return;
        }
        // Nothing arrives while disconnected; what arrived on the old connection is never acknowledged on this one.
        acks.newConnection();
        try {
            client.connect(options, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    reconnects.connected();
                    requests.connected(subscription);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    subscribed = false;
                    reconnects.failed("connect failed: " + cause.getMessage());
                }
            });
        } catch (MqttException e) {
            if (e.getReasonCode() == org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_CLIENT_CONNECTED) {
                reconnects.connected();
                return;
            }
            subscribed = false;
            reconnects.failed("connect failed: " + e.getMessage());
        }
    }

    /**
     * Stops taking messages (a drain, issue 17) and waits at most {@code wait} until every message taken before was
     * taken care of (a reading: committed to the store) and acknowledged; whether all were. The subscription stays
     * (unsubscribing would let the MQTT broker acknowledge kiosks' readings that no subscriber takes): what arrives
     * from now on is left unacknowledged and comes again, on this node's next connection or to another node of the
     * shared group. The connection is not made again once lost (the node stops; a new connection would only be handed
     * messages to leave unacknowledged). Blocking; call {@link #close} after.
     */
    public boolean stopTaking(Duration wait) {
        stoppedTaking = true;
        reconnects.stop();
        try {
            return acks.awaitEmpty(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        closeAll(java.util.List.of(this));
    }

    /** Closes the clients together ({@link PahoDisconnect#closeAll}: a node stop's intake connections). */
    public static void closeAll(java.util.Collection<BrokerMqttClient> clients) {
        var open = new java.util.ArrayList<MqttAsyncClient>();
        for (BrokerMqttClient c : clients) {
            if (c.closed.compareAndSet(false, true)) {
                c.reconnects.stop();
                c.scheduler.shutdownNow();
                open.add(c.client);
            }
        }
        PahoDisconnect.closeAll(open);
    }

    private final class Callback implements MqttCallback {
        @Override
        public void messageArrived(String topic, MqttMessage message) {
            // Acknowledged by the line once taken care of (a reading: on the store's writer thread); never waits here.
            arrivals.incrementAndGet();
            if (stoppedTaking) {
                return; // the node drains: left unacknowledged, sent again to whoever takes the group's messages
            }
            AckLine.Slot slot = acks.arrived(message.getId(), message.getQos());
            subscription.handle(topic, message.getPayload()).whenComplete((ok, failure) -> slot.complete(failure));
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            subscribed = false;
            reconnects.lost("disconnected: " + response.getReasonString() + " (" + response.getReturnCode() + ")");
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            LOG.warn("MQTT subscriber error: {}", exception.getMessage());
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // QoS 0 publishes (publishRetained) need nothing; QoS 1 ones (publishExpiring) complete by their listener.
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            LOG.info("MQTT subscriber connected to {}", serverUri);
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            // Enhanced authentication (MQTT 5 §4.12) is not used.
        }
    }
}
