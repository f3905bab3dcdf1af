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
 * class reconnects as every MQTT client of the project does, by a {@link ReconnectPolicy}: after the n-th failure
 * in a row it waits between 125 ms and {@code min(15 s, 125 ms · 2^n)}. Paho's persistence is explicit and in memory: nothing is written
 * to the working directory.
 */
public final class BrokerMqttClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerMqttClient.class);
    private static final int RECEIVE_MAXIMUM = 1000;
    /** How long the MQTT broker keeps this client's session (and queues for it) while it is away: 7 days. */
    static final long SESSION_EXPIRY_SECONDS = 7 * 24 * 3600;

    private final MqttAsyncClient client;
    private final MqttConnectionOptions options;
    private final ScheduledExecutorService scheduler;
    private final ReconnectPolicy reconnect = reconnectPolicy(new SecureRandom());
    /** Failures in a row since the last subscription (Paho's callback threads and the scheduler). */
    private final java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AckLine acks;
    private final AtomicLong arrivals = new AtomicLong();
    private final AtomicLong stallChecks = new AtomicLong();
    private final AtomicLong stallRestarts = new AtomicLong();
    /** On the scheduler thread only. */
    private final StallWatch stallWatch = new StallWatch(2);
    private volatile Subscription subscription;
    private volatile boolean subscribed;
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
        client.setCallback(new Callback());
        client.setManualAcks(true);
        this.acks = new AckLine(client::messageArrivedComplete, () -> scheduler.execute(this::restart));
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

    /** Reconnects because of a stall ({@link #watchForStalls}) since start. */
    public long stallRestarts() {
        return stallRestarts.get();
    }

    /** Messages acknowledged (after being taken care of) since start. */
    public long acknowledgedCount() {
        return acks.acknowledgedCount();
    }

    /** Drops the connection so that the MQTT broker sends the unacknowledged messages again. */
    private void restart() {
        subscribed = false;
        if (closed.get()) {
            return;
        }
        try {
            client.disconnectForcibly(0, 2_000, false);
        } catch (MqttException e) {
            LOG.debug("Dropping the MQTT subscriber's connection failed: {}", e.getMessage());
        }
        retry("reconnecting so that the unacknowledged messages are delivered again");
    }

    /**
     * Publishes {@code payload} on a downlink topic with QoS 0, retained (MQTT 5 §3.3.1.3): the MQTT broker keeps the
     * latest per topic and hands it to a kiosk whenever it subscribes, so a reconnecting kiosk learns where things
     * stand. Returns at once (the client queues) whether the client took the message: not when not connected or
     * when it refused it (its queue full), and then the caller sends the news again later. Any thread except HiveMQ's.
     */
    public boolean publishRetained(String topic, byte[] payload) {
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
    public void publish(String topic, byte[] payload) {
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
    public CompletableFuture<Void> publishExpiring(String topic, byte[] payload, long expirySeconds) {
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

    /** Starts connecting in the background. */
    public void start() {
        if (subscription == null) {
            throw new IllegalStateException("subscribe before start");
        }
        connect();
    }

    /** Whether the subscription is active right now. */
    public boolean isSubscribed() {
        return subscribed && client.isConnected();
    }

    private void connect() {
        if (closed.get()) {
            return;
        }
        // Nothing arrives while disconnected; what arrived on the old connection is never acknowledged on this one.
        acks.newConnection();
        try {
            client.connect(options, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    subscribeNow();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    retry("connect failed: " + cause.getMessage());
                }
            });
        } catch (MqttException e) {
            retry("connect failed: " + e.getMessage());
        }
    }

    private void subscribeNow() {
        String filter = subscription.topicFilter();
        try {
            MqttActionListener granted = listener(() -> {
                failures.set(0);
                subscribed = true;
                LOG.info("Subscribed to {}", filter);
            }, cause -> LOG.error("Subscription to {} failed: {}", filter, cause.getMessage()));
            if (subscription.noLocal()) {
                org.eclipse.paho.mqttv5.common.MqttSubscription wanted =
                        new org.eclipse.paho.mqttv5.common.MqttSubscription(filter, 1);
                wanted.setNoLocal(true);
                client.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {wanted}, null, granted,
                        new MqttProperties());
            } else {
                client.subscribe(filter, 1, null, granted);
            }
        } catch (MqttException e) {
            LOG.error("Subscription to {} failed: {}", filter, e.getMessage());
        }
    }

    /** A listener that fails on a reason code of 0x80 or above (MQTT 5 §2.4) as on a failure. */
    private static MqttActionListener listener(Runnable success, java.util.function.Consumer<Throwable> failure) {
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

    private void retry(String why) {
        subscribed = false;
        if (closed.get()) {
            return;
        }
        long delay = reconnect.delayAfter(failures.getAndUpdate(n -> Math.min(n + 1, 30))).toMillis();
        LOG.warn("MQTT subscriber: {}; retrying in {} ms", why, delay);
        scheduler.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /** The broker client's reconnect delays: from 125 ms, doubling the ceiling with each failure, up to 15 s. */
    static ReconnectPolicy reconnectPolicy(java.util.random.RandomGenerator random) {
        return new ReconnectPolicy(Duration.ofMillis(125), Duration.ofSeconds(15), random);
    }

    /**
     * Stops taking messages (a drain, issue 17) and waits at most {@code wait} until every message taken before was
     * taken care of (a reading: committed to the store) and acknowledged; whether all were. The subscription stays
     * (unsubscribing would let the MQTT broker acknowledge kiosks' readings that no subscriber takes): what arrives
     * from now on is left unacknowledged and comes again, on this node's next connection or to another node of the
     * shared group. Blocking; call {@link #close} after.
     */
    public boolean stopTaking(Duration wait) {
        stoppedTaking = true;
        try {
            return acks.awaitEmpty(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        scheduler.shutdownNow();
        try {
            if (client.isConnected()) {
                client.disconnect(2_000).waitForCompletion(3_000);
            }
        } catch (MqttException e) {
            LOG.debug("Disconnect of the MQTT subscriber failed: {}", e.getMessage());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("Closing the MQTT subscriber failed: {}", e.getMessage());
        }
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
            retry("disconnected: " + response.getReasonString() + " (" + response.getReturnCode() + ")");
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
