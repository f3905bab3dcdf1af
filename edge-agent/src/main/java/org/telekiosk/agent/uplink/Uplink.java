package org.telekiosk.agent.uplink;

import java.util.concurrent.CompletableFuture;
import org.telekiosk.protocol.downlink.StoreAck;
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

    /**
     * As {@link #publish}, and says what the PUBACK meant: {@link Puback#STORED} if it came on a connection whose CONNACK
     * granted the PUBACK as the store acknowledgement (the broker sends it only after its store's commit; the caller may
     * then delete the reading), {@link Puback#TAKEN} otherwise. A PUBACK {@code 0x99} there (refused) fails the future
     * as every reason code of {@code 0x80} or more does ({@link UplinkException.Reason#REFUSED}).
     */
    default CompletableFuture<Puback> publishReading(KioskMessage message) {
        return publish(message).thenApply(ok -> Puback.TAKEN);
    }

    /** Whether the uplink is connected right now. */
    boolean isConnected();

    /**
     * Registers an action to run after every successful (re)connect, once the connection accepts publishes. It runs
     * on an uplink thread and must return quickly (hand work to an executor of its own). Every publish that was in
     * flight when the previous connection dropped has been completed before it runs, so a caller can resend its
     * backlog in order from here. The retained store acknowledgement of the new connection, if the broker holds one,
     * has reached the store-acknowledgement listeners before it runs (the connection is reported only after the
     * downlink's SUBACK and that acknowledgement, or a short wait without one, see {@link #expectStoreAck}), so
     * nothing it covers is sent again.
     * Register before {@link #start()}.
     */
    void addConnectedListener(Runnable listener);

    /**
     * Registers an action for every store acknowledgement from the broker
     * ({@link StoreAck}: every reading of this kiosk up to {@code storedThrough} is
     * stored, refused and listed in {@code refused}, or below what the kiosk said it holds). Acknowledgements may arrive repeated, late or out of order
     * (a retained one after a reconnect); the caller keeps the highest. It runs on an uplink thread and must return
     * quickly. Register before {@link #start()}.
     */
    void addStoreAckListener(java.util.function.Consumer<StoreAck> listener);

    /**
     * Tells the uplink how to find out whether the caller holds readings that a store acknowledgement could let it
     * delete. While it does, a new connection waits briefly for the retained store acknowledgement before it is
     * reported (see {@link #addConnectedListener}); while it holds nothing, there is nothing to learn and no wait. Any
     * thread may call {@code holding}, which must be cheap and never block. Register before {@link #start()}.
     */
    default void expectStoreAck(java.util.function.BooleanSupplier holding) {
    }

    /** Disconnects cleanly and releases every thread; idempotent. */
    @Override
    void close();
}
