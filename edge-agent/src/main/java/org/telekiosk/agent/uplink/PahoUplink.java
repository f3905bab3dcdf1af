package org.telekiosk.agent.uplink;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.agent.uplink.ConnectionKeeper.Link;
import org.telekiosk.agent.uplink.UplinkException.Reason;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.downlink.Command;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.retry.ReconnectPolicy;
import org.telekiosk.protocol.telemetry.CommandUpdate;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Presence;
import org.telekiosk.protocol.telemetry.WaveformBatch;
import org.telekiosk.protocol.topic.Topics;

/**
 * The {@link Uplink} over Eclipse Paho 1.2.5: MQTT 5 over TLS (mutual TLS with the kiosk's certificate when
 * {@link UplinkSettings#identity()} is set; a renewed certificate is used from the next connection), QoS 1 publishes of CBOR-encoded {@link KioskMessage}s
 * on the kiosk's {@link Topics#measurements} or {@link Topics#status} topic, and the broker's
 * {@link StoreAck}s from its {@link Topics#downlink} topics (subscribed on every
 * connection, so that the retained acknowledgement arrives each time), with Paho's defects contained:
 * <ul>
 *   <li>Paho's automatic reconnect (static delays shared by every client) and offline buffer are off;
 *       {@link ConnectionKeeper} reconnects as our {@link ReconnectPolicy} says, with a fresh Paho client per
 *       connection ({@link PahoSession}) and an explicit in-memory persistence (no lock files).</li>
 *   <li>Our {@link InflightWindow} of min(configured, server Receive Maximum) publishes (MQTT 5 §3.2.2.3.3, §4.9)
 *       keeps Paho from ever failing with 32202 "too many publishes in progress".</li>
 *   <li>Paho runs on a bounded pool of ours ({@link PahoThreads}) over our own TLS module
 *       ({@link TlsNetworkModule}), which also closes the race that loses a thread per failed connect.</li>
 * </ul>
 * Every publish future completes: on PUBACK (success, or {@link Reason#REFUSED} for a reason code of 0x80 or more,
 * §3.4.2.1), or with {@link Reason#LOST} when the connection drops first, or fails at once with
 * {@link Reason#DISCONNECTED} or {@link Reason#WINDOW_FULL}.
 *
 * <p>State changes run on one thread of ours ("telekiosk-uplink-N"); {@link #close()} stops it and Paho's. Futures
 * complete on that thread: attach dependent work with the {@code *Async} methods. The password goes into CONNECT
 * and nowhere else (if there is one): never into a log line or {@link #toString()}. Keep Paho's own {@code java.util.logging} output
 * at INFO or above: at FINE, Paho 1.2.5 logs the CONNECT packet, password included.
 */
public final class PahoUplink implements Uplink {
    private static final Logger log = LoggerFactory.getLogger(PahoUplink.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /** What the uplink is doing. */
    public enum State { NEW, CONNECTING, CONNECTED, WAITING_TO_RETRY, CLOSED }

    private final UplinkSettings settings;
    private final WireCodec codec = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
    private final ScheduledThreadPoolExecutor control;
    private final PahoThreads pahoThreads;
    private final ConnectionKeeper keeper;
    private final List<Runnable> connectedListeners = new CopyOnWriteArrayList<>();
    private final List<java.util.function.Consumer<StoreAck>> storeAckListeners = new CopyOnWriteArrayList<>();
    private final List<java.util.function.Consumer<Command>> commandListeners =
            new CopyOnWriteArrayList<>();
    private volatile java.util.function.BooleanSupplier holding = () -> false;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Thread controlThread;

    /**
     * Reads the CA file (and the client identity's files); starts no thread and opens no connection until {@link #start()}.
     *
     * @throws IOException if the CA file cannot be read
     */
    public PahoUplink(UplinkSettings settings, ReconnectPolicy reconnectPolicy) throws IOException {
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(reconnectPolicy, "reconnectPolicy");
        this.control = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = PahoThreads.factory("telekiosk-uplink").newThread(task);
            controlThread = thread;
            return thread;
        });
        control.setRemoveOnCancelPolicy(true);
        this.pahoThreads = new PahoThreads("telekiosk-uplink-paho");
        IdentityKeyManager identity = settings.identity() == null ? null
                : new IdentityKeyManager(settings.identity());
        javax.net.ssl.SSLSocketFactory tls = CaTrust.context(settings.caFile(), identity).getSocketFactory();
        this.keeper = new ConnectionKeeper(settings, reconnectPolicy,
                identity == null ? tls : new IdentitySocketFactory(tls, identity), control, pahoThreads,
                connectedListeners, ack -> storeAckListeners.forEach(l -> l.accept(ack)),
                command -> commandListeners.forEach(l -> l.accept(command)), () -> holding.getAsBoolean());
    }

    @Override
    public void start() {
        if (closed.get()) {
            throw new IllegalStateException("the uplink is closed");
        }
        if (started.compareAndSet(false, true)) {
            keeper.execute(keeper::connect);
        }
    }

    @Override
    public CompletableFuture<Void> publish(KioskMessage message) {
        return publishReading(message).thenApply(what -> null);
    }

    @Override
    public CompletableFuture<Puback> publishReading(KioskMessage message) {
        Objects.requireNonNull(message, "message");
        Link current = keeper.link();
        if (current == null) {
            return failed(Reason.DISCONNECTED, "not connected (" + keeper.state() + ")");
        }
        byte[] payload = codec.encode(message);
        CompletableFuture<Puback> future = new CompletableFuture<>();
        switch (current.window().tryAdmit(future)) {
            case FULL -> {
                return failed(Reason.WINDOW_FULL, "in-flight window of " + current.window().capacity() + " is full");
            }
            case CLOSED -> {
                return failed(Reason.DISCONNECTED, "the connection just closed");
            }
            case ADMITTED -> { }
        }
        try {
            current.session().publish(topicOf(message), payload,
                    new PubackListener(current.window(), future, keeper,
                            current.session().pubackIsStoreAck() ? Puback.STORED : Puback.TAKEN));
        } catch (MqttException e) {
            current.window().release(future);
            future.completeExceptionally(refusedByPaho(e));
        } catch (RuntimeException e) {
            // Paho 1.2.5 throws NullPointerException from a client that a dropped connection is tearing down.
            current.window().release(future);
            future.completeExceptionally(new UplinkException(Reason.LOST, "Paho: " + Failures.describe(e), e));
        }
        return future;
    }

    @Override
    public boolean isConnected() {
        return keeper.link() != null;
    }

    @Override
    public void addConnectedListener(Runnable listener) {
        connectedListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void addStoreAckListener(java.util.function.Consumer<StoreAck> listener) {
        storeAckListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void expectStoreAck(java.util.function.BooleanSupplier holding) {
        this.holding = Objects.requireNonNull(holding, "holding");
    }

    /**
     * Registers an action for every measurement command addressed to this kiosk (a redelivered one comes again).
     * It runs on a Paho thread and must return quickly. Register before {@link #start()}.
     */
    public void addCommandListener(java.util.function.Consumer<Command> listener) {
        commandListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** A snapshot for status reports. */
    public UplinkStatus status() {
        return keeper.status();
    }

    /** Sends DISCONNECT if connected, fails what is in flight with {@link Reason#LOST}, and stops every thread. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (Thread.currentThread() == controlThread) {
            keeper.shutDown();
        } else {
            try {
                control.submit(keeper::shutDown).get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
                log.warn("Closing the MQTT uplink did not finish cleanly: {}", Failures.describe(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        control.shutdown();
        pahoThreads.shutdownNow();
        try {
            control.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            pahoThreads.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        control.shutdownNow();
    }

    @Override
    public String toString() {
        return "PahoUplink[" + settings.serverUri() + " as " + settings.kiosk() + ", " + keeper.state() + "]";
    }

    /** The kiosk's topic whose channel carries {@code message}'s type (see {@link Topics#carries}). */
    static String topicOf(KioskMessage message) {
        return switch (message) {
            case Measurement measurement -> Topics.measurements(measurement.kiosk());
            case WaveformBatch batch -> Topics.measurements(batch.kiosk());
            case KioskStatus status -> Topics.status(status.kiosk());
            case CommandUpdate update -> Topics.commandUpdates(update.kiosk());
            case Presence presence -> Topics.status(presence.kiosk());
        };
    }

    private static UplinkException refusedByPaho(MqttException e) {
        int code = e.getReasonCode();
        if (code == MqttClientException.REASON_CODE_MAX_INFLIGHT) {
            // Our window should make this impossible; should it happen anyway, the caller retries after an ack.
            log.warn("Paho refused a publish that our window admitted: {}", Failures.describe(e));
            return new UplinkException(Reason.WINDOW_FULL, "Paho: " + Failures.describe(e), e);
        }
        boolean disconnected = code == MqttClientException.REASON_CODE_CLIENT_NOT_CONNECTED
                || code == MqttClientException.REASON_CODE_CLIENT_DISCONNECTING
                || code == MqttClientException.REASON_CODE_CLIENT_CLOSED;
        return new UplinkException(disconnected ? Reason.DISCONNECTED : Reason.LOST, "Paho: " + Failures.describe(e), e);
    }

    private static <T> CompletableFuture<T> failed(Reason reason, String message) {
        return CompletableFuture.failedFuture(new UplinkException(reason, message, null));
    }
}
