package org.telekiosk.agent.uplink;

import java.util.concurrent.CompletableFuture;
import org.telekiosk.protocol.telemetry.KioskMessage;

/**
 * The agent's way out to the MQTT broker: our port, so that the MQTT client behind it (Paho today) can be replaced
 * and its defects contained (see ../shared/DESIGN.md). Implementations connect and reconnect by themselves after
 * {@link #start()}; they never buffer on their own beyond the in-flight window: the caller keeps what is not yet
 * acknowledged.
 */
public interface Uplink extends AutoCloseable {

    /** Starts connecting in the background and returns at once; reconnects by itself until {@link #close()}. */
    void start();

    /**
     * Publishes one message with QoS 1 on the topic of its kiosk that carries its type: a measurement or a waveform
     * batch on the kiosk's {@code measurements} topic, a status on its {@code status} topic. Never blocks. The future completes when the broker
     * acknowledged it (PUBACK with a success reason), and completes exceptionally with {@link UplinkException} if
     * the uplink is not connected, its in-flight window is full, or the broker refused or the connection dropped
     * before the acknowledgement. A failed publish may still have reached the broker: the broker deduplicates by
     * (kiosk, seq).
     */
    CompletableFuture<Void> publish(KioskMessage message);

    /** Whether the uplink is connected right now. */
    boolean isConnected();

    /**
     * Registers an action to run after every successful (re)connect, once the connection accepts publishes. It runs
     * on an uplink thread and must return quickly (hand work to an executor of its own). Every publish that was in
     * flight when the previous connection dropped has been completed before it runs, so a caller can resend its
     * backlog in order from here. Register before {@link #start()}.
     */
    void addConnectedListener(Runnable listener);

    /** Disconnects cleanly and releases every thread; idempotent. */
    @Override
    void close();
}
