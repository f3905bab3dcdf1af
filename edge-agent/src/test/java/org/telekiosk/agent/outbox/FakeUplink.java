package org.telekiosk.agent.outbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.telekiosk.agent.uplink.Uplink;
import org.telekiosk.agent.uplink.UplinkException;
import org.telekiosk.agent.uplink.UplinkException.Reason;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.telemetry.CommandUpdate;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * The {@link Uplink} port as a test controls it: a window, a connection the test drops and restores, and
 * acknowledgements the test gives. It keeps the order in which publishes were accepted.
 */
final class FakeUplink implements Uplink {
    private final int window;
    private final List<Runnable> connectedListeners = new CopyOnWriteArrayList<>();
    private final Map<Long, CompletableFuture<Void>> inFlight = new LinkedHashMap<>();
    private final List<Long> accepted = new ArrayList<>();
    private final List<KioskStatus> statuses = new ArrayList<>();
    private final List<CompletableFuture<Void>> statusAcks = new ArrayList<>();
    private final List<java.util.function.Consumer<StoreAck>> storeAckListeners = new CopyOnWriteArrayList<>();
    private final java.util.Set<Long> settled = new java.util.HashSet<>();
    private boolean storeFollowsPuback = true;
    private volatile boolean pubackStores;
    private long contiguous;
    private boolean connected;

    FakeUplink(int window, boolean connected) {
        this.window = window;
        this.connected = connected;
    }

    @Override
    public synchronized CompletableFuture<Void> publish(KioskMessage message) {
        if (!connected) {
            return CompletableFuture.failedFuture(new UplinkException(Reason.DISCONNECTED, "not connected", null));
        }
        if (inFlight.size() >= window) {
            return CompletableFuture.failedFuture(new UplinkException(Reason.WINDOW_FULL, "window full", null));
        }
        CompletableFuture<Void> ack = new CompletableFuture<>();
        long seq = switch (message) {
            case Measurement m -> m.seq();
            case WaveformBatch w -> w.seq();
            case KioskStatus status -> {
                statuses.add(status);
                statusAcks.add(ack);
                yield -1;
            }
            case CommandUpdate update -> {
                ack.complete(null);
                yield -1;
            }
            case org.telekiosk.protocol.telemetry.Presence presence -> {
                ack.complete(null);
                yield -1;
            }
        };
        if (seq > 0) {
            inFlight.put(seq, ack);
            accepted.add(seq);
        }
        return ack;
    }

    /** Every status accepted for publishing, in order, resends included. */
    synchronized List<KioskStatus> statuses() {
        return List.copyOf(statuses);
    }

    /** Acknowledges every status publish in flight. */
    void acknowledgeStatuses() {
        List<CompletableFuture<Void>> acks;
        synchronized (this) {
            acks = new ArrayList<>(statusAcks);
            statusAcks.clear();
        }
        acks.forEach(ack -> ack.complete(null));
    }

    /** The sequence numbers of every accepted publish, in order, resends included. */
    synchronized List<Long> accepted() {
        return List.copyOf(accepted);
    }

    synchronized List<Long> inFlight() {
        return List.copyOf(inFlight.keySet());
    }

    /** PUBACK; unless {@link #storeSeparately()}, the store acknowledges every contiguous PUBACKed number after it. */
    void acknowledge(long seq) {
        take(seq).complete(null);
        settle(seq);
    }

    void refuse(long seq) {
        take(seq).completeExceptionally(new UplinkException(Reason.REFUSED, "PUBACK 0x87", null));
        settle(seq);
    }

    /** PUBACK 0x97 "quota exceeded": the broker took nothing, so no store acknowledgement covers it. */
    void throttle(long seq) {
        take(seq).completeExceptionally(new UplinkException(Reason.THROTTLED, "PUBACK 0x97", null));
    }

    /** From now on a PUBACK says "stored" ({@link org.telekiosk.agent.uplink.Puback#STORED}): as if negotiated. */
    void pubackStores() {
        pubackStores = true;
    }

    @Override
    public CompletableFuture<org.telekiosk.agent.uplink.Puback> publishReading(KioskMessage message) {
        return publish(message).thenApply(ok -> pubackStores ? org.telekiosk.agent.uplink.Puback.STORED
                : org.telekiosk.agent.uplink.Puback.TAKEN);
    }

    /** From now on, only {@link #storeAck} acknowledges for the store: a PUBACK no longer does. */
    synchronized void storeSeparately() {
        storeFollowsPuback = false;
    }

    /** The broker's store acknowledgement arrives. */
    void storeAck(long through) {
        storeAck(through, List.of());
    }

    /** The broker's store acknowledgement arrives, naming refused readings. */
    void storeAck(long through, List<Long> refused) {
        StoreAck ack = new StoreAck(
                KioskId.of("wmk-fake-01"), through, refused);
        storeAckListeners.forEach(l -> l.accept(ack));
    }

    private void settle(long seq) {
        long through;
        synchronized (this) {
            if (!storeFollowsPuback) {
                return;
            }
            settled.add(seq);
            long before = contiguous;
            while (settled.remove(contiguous + 1)) {
                contiguous++;
            }
            if (contiguous == before) {
                return;
            }
            through = contiguous;
        }
        storeAck(through);
    }

    /** The connection drops: everything in flight fails with LOST. */
    void drop() {
        List<CompletableFuture<Void>> lost;
        synchronized (this) {
            connected = false;
            lost = new ArrayList<>(inFlight.values());
            lost.addAll(statusAcks);
            inFlight.clear();
            statusAcks.clear();
        }
        lost.forEach(f -> f.completeExceptionally(new UplinkException(Reason.LOST, "connection lost", null)));
    }

    /** The connection is back; listeners are told unless {@code silently}. */
    void reconnect(boolean silently) {
        synchronized (this) {
            connected = true;
        }
        if (!silently) {
            connectedListeners.forEach(Runnable::run);
        }
    }

    private synchronized CompletableFuture<Void> take(long seq) {
        CompletableFuture<Void> ack = inFlight.remove(seq);
        if (ack == null) {
            throw new AssertionError("reading " + seq + " is not in flight; in flight: " + inFlight.keySet());
        }
        return ack;
    }

    @Override
    public void start() {
    }

    @Override
    public synchronized boolean isConnected() {
        return connected;
    }

    @Override
    public void addConnectedListener(Runnable listener) {
        connectedListeners.add(listener);
    }

    @Override
    public void addStoreAckListener(java.util.function.Consumer<StoreAck> listener) {
        storeAckListeners.add(listener);
    }

    @Override
    public void close() {
    }
}
