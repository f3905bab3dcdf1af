package org.telekiosk.broker.telemetry;

import java.security.SecureRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.telekiosk.protocol.topic.Topics;

/**
 * The broker's MQTT client (Paho v5): subscribes to every kiosk's channels in the broker share group (MQTT 5 §4.8.2)
 * with QoS 1 and hands each message to the {@link MeasurementIntake}.
 *
 * <p><b>Nothing acknowledged before it is stored.</b> Acknowledgements are manual ({@link AckLine}): a message is
 * acknowledged once the intake has taken care of it (a reading: committed to the store), in arrival order (§4.6). A
 * message whose store write failed is not acknowledged; the client reconnects and the MQTT broker sends it again.
 * (An earlier attempt at manual acknowledgements stalled intermittently while the broker had two shared
 * subscriptions; with the one subscription now, {@code ManualAckLoopTest} runs bursts through it in a loop.)
 *
 * <p><b>A session that outlives the connection.</b> The client id is stable (kept in the data directory), Clean Start
 * is 0 and the session expiry is {@value #SESSION_EXPIRY_SECONDS} s (§3.1.2.11.2): while this client reconnects, or
 * the embedded MQTT broker restarts (file persistence), the MQTT broker queues the group's messages instead of
 * acknowledging kiosks' readings that no subscriber takes, and sends what was unacknowledged again.
 *
 * <p>Paho's automatic reconnect is off (its delays live in a static field shared by every client of the JVM): this
 * class reconnects with exponential backoff and jitter of its own. Paho's persistence is explicit and in memory:
 * nothing is written to the working directory.
 */
public final class MqttMeasurementSubscriber implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttMeasurementSubscriber.class);
    private static final long MIN_BACKOFF_MS = 250;
    private static final long MAX_BACKOFF_MS = 15_000;
    private static final int RECEIVE_MAXIMUM = 1000;
    /** How long the MQTT broker keeps this client's session (and queues for it) while it is away: 7 days. */
    static final long SESSION_EXPIRY_SECONDS = 7 * 24 * 3600;
    private static final String CLIENT_ID_FILE = "mqtt-subscriber-id";

    private final MqttAsyncClient client;
    private final MqttConnectionOptions options;
    private final MeasurementIntake intake;
    private final ScheduledExecutorService scheduler;
    private final SecureRandom jitter = new SecureRandom();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AckLine acks;
    private final java.util.concurrent.atomic.AtomicLong arrivals = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean subscribed;
    /** On the scheduler thread only. */
    private final StallWatch stallWatch = new StallWatch(2);

    /**
     * @param tls trusts the broker's CA and presents this node's service certificate, by which the MQTT broker's
     *            authenticator knows it (no user name or password is sent)
     */
    public MqttMeasurementSubscriber(String serverUri, String clientId, SSLSocketFactory tls,
            MeasurementIntake intake) throws java.io.IOException {
        this.intake = intake;
        try {
            this.client = new MqttAsyncClient(serverUri, clientId, new MemoryPersistence());
        } catch (MqttException e) {
            throw new java.io.IOException("cannot create the broker's MQTT client for " + serverUri + ": "
                    + e.getMessage(), e);
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("mqtt-subscriber-reconnect").daemon().factory());
        this.options = new MqttConnectionOptions();
        options.setSocketFactory(tls);
        options.setHttpsHostnameVerificationEnabled(true);
        options.setAutomaticReconnect(false);
        options.setCleanStart(false);
        options.setSessionExpiryInterval(SESSION_EXPIRY_SECONDS);
        options.setReceiveMaximum(RECEIVE_MAXIMUM);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(10);
        client.setCallback(new Callback());
        client.setManualAcks(true);
        this.acks = new AckLine(client::messageArrivedComplete, () -> scheduler.execute(this::restart));
    }

    /**
     * This broker node's stable MQTT client id, made once and kept in {@code dataDir} (a session must outlive the
     * process for the MQTT broker to keep queueing for it).
     */
    public static String clientIdIn(java.nio.file.Path dataDir, SecureRandom random) throws java.io.IOException {
        java.nio.file.Path file = dataDir.resolve(CLIENT_ID_FILE);
        if (java.nio.file.Files.exists(file)) {
            String id = java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.US_ASCII).strip();
            if (id.matches("telekiosk-broker-[0-9a-f]{16}")) {
                return id;
            }
            LOG.warn("{} does not hold a client id; making a new one (the old session's queue expires)", file);
        }
        String id = "telekiosk-broker-" + java.util.HexFormat.of().toHexDigits(random.nextLong());
        java.nio.file.Files.createDirectories(dataDir);
        java.nio.file.Path temporary = file.resolveSibling(CLIENT_ID_FILE + ".tmp");
        java.nio.file.Files.writeString(temporary, id + "\n", java.nio.charset.StandardCharsets.US_ASCII);
        java.nio.file.Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return id;
    }

    /**
     * Watches for HiveMQ CE's known stall of shared QoS 1 subscriptions with persistent sessions (seen here after a
     * SIGKILL of the broker: the session resumed, the subscription was granted, and nothing was delivered until the
     * client reconnected; reported upstream by others as subscribers going idle): every {@code interval}, if the MQTT
     * broker took publishes ({@code publishesIntoBroker}) but none arrived here for two checks in a row, the
     * connection is dropped and made again, which makes HiveMQ hand the group's messages out again. Nothing is lost
     * either way: the messages wait in HiveMQ's queue. Call before {@link #start()}.
     */
    public void watchForStalls(java.util.function.LongSupplier publishesIntoBroker, java.time.Duration interval) {
        scheduler.scheduleWithFixedDelay(() -> checkStall(publishesIntoBroker), interval.toMillis(),
                interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void checkStall(java.util.function.LongSupplier publishesIntoBroker) {
        long taken = stallWatch.check(subscribed, publishesIntoBroker.getAsLong(), arrivals.get());
        if (taken > 0) {
            LOG.warn("The MQTT broker took {} publishes since the last check but delivered none to this subscriber; "
                    + "reconnecting (HiveMQ CE stall of a shared QoS 1 subscription)", taken);
            restart();
        }
    }

    /** Messages acknowledged (after being taken care of) since start. */
    public long acknowledgedCount() {
        return acks.acknowledgedCount();
    }

    /** A store write failed: drop the connection so that the MQTT broker sends the unacknowledged messages again. */
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
     * stand. Returns at once (the client queues); when not connected, the message is skipped: the next one carries
     * the news. Any thread except HiveMQ's.
     */
    public void publishRetained(String topic, byte[] payload) {
        if (!client.isConnected()) {
            return;
        }
        MqttMessage message = new MqttMessage(payload, 0, true, null);
        try {
            client.publish(topic, message);
        } catch (MqttException e) {
            LOG.debug("Publishing on a downlink topic failed (the next one carries the news): {}", e.getMessage());
        }
    }

    /** Starts connecting in the background. */
    public void start() {
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
                    subscribe();
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

    private void subscribe() {
        try {
            client.subscribe(Topics.allKioskChannelsShared(), 1, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    int[] codes = token.getReasonCodes();
                    if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                        LOG.error("Subscription to {} refused with reason code 0x{}", Topics.allKioskChannelsShared(),
                                Integer.toHexString(codes[0]));
                        return;
                    }
                    failures.set(0);
                    subscribed = true;
                    LOG.info("Subscribed to {}", Topics.allKioskChannelsShared());
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    LOG.error("Subscription to {} failed: {}", Topics.allKioskChannelsShared(), cause.getMessage());
                }
            });
        } catch (MqttException e) {
            LOG.error("Subscription to {} failed: {}", Topics.allKioskChannelsShared(), e.getMessage());
        }
    }

    private void retry(String why) {
        subscribed = false;
        if (closed.get()) {
            return;
        }
        int attempt = Math.min(failures.incrementAndGet(), 20);
        long ceiling = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS << Math.min(attempt - 1, 16));
        long delay = MIN_BACKOFF_MS / 2 + (long) (jitter.nextDouble() * (ceiling - MIN_BACKOFF_MS / 2));
        LOG.warn("MQTT subscriber: {}; retrying in {} ms", why, delay);
        scheduler.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
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
            // Acknowledged by the line once stored (on the store's writer thread); the callback never waits.
            arrivals.incrementAndGet();
            AckLine.Slot slot = acks.arrived(message.getId(), message.getQos());
            intake.handle(topic, message.getPayload()).whenComplete((ok, failure) -> {
                if (failure != null) {
                    LOG.error("A message on '{}' was not stored and is not acknowledged (it comes again): {}",
                            Topics.parse(topic).map(t -> t.kiosk().value()).orElse("?"), failure.toString());
                }
                slot.complete(failure);
            });
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
            // Only QoS 0 publishes (publishRetained): nothing to track.
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
