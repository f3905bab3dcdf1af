package org.telekiosk.broker.mqtt;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.protocol.retry.ReconnectPolicy;

/**
 * When {@link BrokerMqttClient} connects again: one chain of attempts at a time, each after the backoff of a
 * {@link ReconnectPolicy} (after the n-th failure in a row between 125 ms and {@code min(15 s, 125 ms · 2^n)}).
 *
 * <p>Why one chain: a connection can be reported gone twice, by Paho ({@code disconnected}) and by the client itself
 * (an acknowledgement that failed because the connection was going, the stall watch). Two chains meant two attempts;
 * the second found the client connected, Paho refused it ("Client is connected", {@code
 * REASON_CODE_CLIENT_CONNECTED}), that refusal counted as a failure and scheduled the next attempt, and so on for as
 * long as the connection lived, every attempt also starting a new acknowledgement line under the live connection
 * (seen in a smoke run's log, issue 16). A chain starts with a loss ({@link #lost}) when none is under way, goes on
 * while its attempts fail ({@link #failed}) and ends with a connection ({@link #connected}); a loss reported while a
 * chain is under way is the same loss. Thread-safe.
 */
final class Reconnects {
    private static final Logger LOG = LoggerFactory.getLogger(Reconnects.class);

    private final ReconnectPolicy policy;
    private final BiConsumer<Duration, Runnable> later;
    private final Runnable attempt;
    /** Failures in a row since the last usable connection. */
    private final AtomicInteger failures = new AtomicInteger();
    /** Whether a chain is under way: an attempt scheduled or connecting. */
    private final AtomicBoolean underWay = new AtomicBoolean();
    private volatile boolean stopped;

    /**
     * @param later   runs a task after a delay (the client's scheduler; after the client closed it may drop it)
     * @param attempt one connection attempt; it reports back with {@link #connected} or {@link #failed}
     */
    Reconnects(ReconnectPolicy policy, BiConsumer<Duration, Runnable> later, Runnable attempt) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.later = Objects.requireNonNull(later, "later");
        this.attempt = Objects.requireNonNull(attempt, "attempt");
    }

    /** The broker client's reconnect delays: from 125 ms, doubling the ceiling with each failure, up to 15 s. */
    static ReconnectPolicy policy(java.util.random.RandomGenerator random) {
        return new ReconnectPolicy(Duration.ofMillis(125), Duration.ofSeconds(15), random);
    }

    /** The first connection: the caller makes the attempt now, as the chain's. */
    void first() {
        underWay.set(true);
    }

    /**
     * The connection is gone, or must be made again: an attempt after the backoff, unless a chain is under way (then
     * this is the loss it is for) or the client stopped. Whether this started a chain.
     */
    boolean lost(String why) {
        if (stopped) {
            return false;
        }
        if (!underWay.compareAndSet(false, true)) {
            LOG.debug("MQTT subscriber: {}; a reconnect is under way already", why);
            return false;
        }
        next(why);
        return true;
    }

    /** The chain's attempt failed: the next one after the backoff (none once stopped). */
    void failed(String why) {
        if (stopped) {
            underWay.set(false);
            return;
        }
        next(why);
    }

    /** The chain's attempt connected, or found the client connected: the chain ends; a later loss starts another. */
    void connected() {
        underWay.set(false);
    }

    /** The connection is usable (subscribed): the backoff starts from its floor again. */
    void usable() {
        failures.set(0);
    }

    /** No attempt from now on (the client closes or the node stops). */
    void stop() {
        stopped = true;
    }

    /** Whether a chain is under way. */
    boolean underWay() {
        return underWay.get();
    }

    private void next(String why) {
        Duration delay = policy.delayAfter(failures.getAndUpdate(n -> Math.min(n + 1, 30)));
        LOG.warn("MQTT subscriber: {}; retrying in {} ms", why, delay.toMillis());
        later.accept(delay, () -> {
            if (stopped) {
                underWay.set(false);
            } else {
                attempt.run();
            }
        });
    }
}
