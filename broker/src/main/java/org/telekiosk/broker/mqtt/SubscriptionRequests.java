package org.telekiosk.broker.mqtt;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.protocol.retry.ReconnectPolicy;

/**
 * Asks for {@link BrokerMqttClient}'s one subscription on each of its connections, and again until it is granted.
 *
 * <p>A SUBACK with a reason code of 0x80 or above (MQTT 5 §3.9.3: not authorized, quota exceeded, shared
 * subscriptions not supported, ...; typically an external MQTT broker's ACL that does not let the node's service
 * identity read the kiosks' topics) leaves the node receiving nothing on a connection that looks fine. So it is logged
 * as an ERROR, counted ({@link #refused}), the client is told it is not subscribed (its {@code isSubscribed} stays
 * false, so {@code /healthz} says not ok), and the subscription is asked for again after a backoff (the policy's: from
 * 125 ms, doubling, up to 15 s, with jitter) for as long as the connection lasts; a new connection asks anew. A request
 * that failed without a SUBACK (timed out) is asked again the same way. Thread-safe.
 */
final class SubscriptionRequests {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionRequests.class);

    private final MqttAsyncClient client;
    private final ScheduledExecutorService scheduler;
    private final ReconnectPolicy backoff;
    private final BooleanSupplier closed;
    private final Runnable granted;
    private final Runnable notGranted;
    /** Connections since start: a request is made again only on the connection it was made on. */
    private final AtomicLong connections = new AtomicLong();
    /** Requests refused or failed in a row on the current connection: the delay before the next one. */
    private final AtomicInteger inARow = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();

    /**
     * @param granted    runs when a SUBACK grants the subscription
     * @param notGranted runs when a SUBACK refuses it
     */
    SubscriptionRequests(MqttAsyncClient client, ScheduledExecutorService scheduler, ReconnectPolicy backoff,
            BooleanSupplier closed, Runnable granted, Runnable notGranted) {
        this.client = Objects.requireNonNull(client, "client");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.closed = Objects.requireNonNull(closed, "closed");
        this.granted = Objects.requireNonNull(granted, "granted");
        this.notGranted = Objects.requireNonNull(notGranted, "notGranted");
    }

    /** A new connection: asks for {@code subscription} on it (and again, until granted, while it lasts). */
    void connected(Subscription subscription) {
        inARow.set(0);
        request(subscription, connections.incrementAndGet());
    }

    /** SUBACKs with a reason code of 0x80 or above since start. */
    long refused() {
        return refused.get();
    }

    private void request(Subscription subscription, long connection) {
        if (closed.getAsBoolean() || connection != connections.get() || !client.isConnected()) {
            return;
        }
        String filter = subscription.topicFilter();
        MqttActionListener listener = new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                int[] codes = token.getReasonCodes();
                if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                    refusedBy(subscription, connection, "reason code 0x" + Integer.toHexString(codes[0]));
                    return;
                }
                inARow.set(0);
                granted.run();
                LOG.info("Subscribed to {}", filter);
            }

            @Override
            public void onFailure(IMqttToken token, Throwable cause) {
                if (cause instanceof MqttException e && e.getReasonCode() >= 0x80 && e.getReasonCode() <= 0xFF) {
                    refusedBy(subscription, connection, "reason code 0x" + Integer.toHexString(e.getReasonCode()));
                } else {
                    LOG.error("Subscription to {} failed: {}; asking again", filter,
                            cause == null ? "no reason given" : cause.getMessage());
                    again(subscription, connection);
                }
            }
        };
        try {
            if (subscription.noLocal()) {
                MqttSubscription wanted = new MqttSubscription(filter, 1);
                wanted.setNoLocal(true);
                client.subscribe(new MqttSubscription[] {wanted}, null, listener, new MqttProperties());
            } else {
                client.subscribe(filter, 1, null, listener);
            }
        } catch (MqttException e) {
            LOG.error("Subscription to {} failed: {}; asking again", filter, e.getMessage());
            again(subscription, connection);
        }
    }

    private void refusedBy(Subscription subscription, long connection, String why) {
        refused.incrementAndGet();
        notGranted.run();
        LOG.error("The MQTT broker refused this node's subscription to {} ({}): the node receives nothing on it until "
                + "it is granted (check the MQTT broker's ACL for the broker's service identity); asking again",
                subscription.topicFilter(), why);
        again(subscription, connection);
    }

    private void again(Subscription subscription, long connection) {
        Duration delay = backoff.delayAfter(inARow.getAndUpdate(n -> Math.min(n + 1, 30)));
        try {
            scheduler.schedule(() -> request(subscription, connection), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // the client closed meanwhile: nothing to ask for
        }
    }
}
