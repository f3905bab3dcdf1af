package org.telekiosk.agent.uplink;

import java.util.concurrent.CompletableFuture;
import org.telekiosk.protocol.telemetry.Measurement;

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
     * Publishes one measurement with QoS 1 on its kiosk's topic. Never blocks. The future completes when the broker
     * acknowledged it (PUBACK with a success reason), and completes exceptionally with {@link UplinkException} if
     * the uplink is not connected, its in-flight window is full, or the broker refused or the connection dropped
     * before the acknowledgement. A failed publish may still have reached the broker: the broker deduplicates by
     * (kiosk, seq).
     */
    CompletableFuture<Void> publish(Measurement measurement);

    /** Whether the uplink is connected right now. */
    boolean isConnected();

    /** Disconnects cleanly and releases every thread; idempotent. */
    @Override
    void close();
}
