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
     * batch on the kiosk's {@code measurements} topic, a status on its {@code status} topic. Never blocks. The future completes when the MQTT broker
     * acknowledged it (PUBACK with a success reason; which says the MQTT broker took it, not that it is stored: see
     * {@link #addStoreAckListener}), and completes exceptionally with {@link UplinkException} if
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

    /**
     * Registers an action for every store acknowledgement from the broker
     * ({@link org.telekiosk.protocol.downlink.StoreAck}: every reading of this kiosk up to {@code storedThrough} is
     * stored, refused and listed in {@code refused}, or below what the kiosk said it holds). Acknowledgements may arrive repeated, late or out of order
     * (a retained one after a reconnect); the caller keeps the highest. It runs on an uplink thread and must return
     * quickly. Register before {@link #start()}.
     */
    void addStoreAckListener(java.util.function.Consumer<org.telekiosk.protocol.downlink.StoreAck> listener);

    /** Disconnects cleanly and releases every thread; idempotent. */
    @Override
    void close();
}
