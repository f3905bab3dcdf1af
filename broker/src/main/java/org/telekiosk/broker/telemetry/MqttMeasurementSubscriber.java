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
import org.telekiosk.broker.mqtt.ServiceCredential;
import org.telekiosk.protocol.topic.Topics;

/**
 * The broker's MQTT client (Paho v5): subscribes to every kiosk's measurements in the broker share group (MQTT 5
 * §4.8.2) with QoS 1 and hands each message to the {@link MeasurementIntake}; Paho acknowledges it when the callback
 * returns, and the store commits it shortly after on its own thread. (Acknowledging only after the commit, with
 * Paho's manual acknowledgements, stalled the measurements subscription intermittently under load and was taken
 * out; closing the window between acknowledgement and commit belongs to the "nothing lost" work, issue 6.) Paho's automatic reconnect is off (its delays live in a static field shared by every client of
 * the JVM): this class reconnects with exponential backoff and jitter of its own. Persistence is explicit and in
 * memory: nothing is written to the working directory.
 */
public final class MqttMeasurementSubscriber implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttMeasurementSubscriber.class);
    private static final long MIN_BACKOFF_MS = 250;
    private static final long MAX_BACKOFF_MS = 15_000;
    private static final int RECEIVE_MAXIMUM = 1000;

    private final MqttAsyncClient client;
    private final MqttConnectionOptions options;
    private final MeasurementIntake intake;
    private final ScheduledExecutorService scheduler;
    private final SecureRandom jitter = new SecureRandom();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean subscribed;

    public MqttMeasurementSubscriber(String serverUri, String clientId, SSLSocketFactory tls,
            ServiceCredential credential, MeasurementIntake intake) throws java.io.IOException {
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
        options.setUserName(ServiceCredential.USERNAME);
        options.setPassword(credential.password());
        options.setAutomaticReconnect(false);
        options.setCleanStart(true);
        options.setReceiveMaximum(RECEIVE_MAXIMUM);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(10);
        client.setCallback(new Callback());
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
            // Paho acknowledges when this returns; the store works on its own thread. A reading whose write fails is
            // logged with its kiosk; the kiosk's gap tracking reports it lost if it never comes again.
            intake.handle(topic, message.getPayload()).whenComplete((ok, failure) -> {
                if (failure != null) {
                    LOG.error("A message on '{}' was acknowledged but not stored: {}",
                            Topics.parse(topic).map(t -> t.kiosk().value()).orElse("?"), failure.toString());
                }
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
            // The subscriber never publishes.
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
