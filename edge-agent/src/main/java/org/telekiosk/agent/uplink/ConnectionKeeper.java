package org.telekiosk.agent.uplink;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.agent.uplink.PahoUplink.State;
import org.telekiosk.agent.uplink.UplinkException.Reason;
import org.telekiosk.protocol.downlink.Command;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.retry.ReconnectPolicy;

/**
 * Keeps one MQTT connection up: connects, notices failures and drops, waits as the {@link ReconnectPolicy} says,
 * connects again with a fresh {@link PahoSession}. Everything except the reads of {@link #link()} runs on one
 * control thread, so the state needs no locks; Paho's events are handed over to it. When a connection drops, every
 * publish still in its window is completed with {@link Reason#LOST} before anything else happens, in particular
 * before the next connect's listeners run.
 */
final class ConnectionKeeper implements Executor {
    private static final Logger log = LoggerFactory.getLogger(ConnectionKeeper.class);

    /** A connection that accepts publishes, with its window. */
    record Link(PahoSession session, InflightWindow window) {}

    private final UplinkSettings settings;
    private final ConnectionNumbers numbers;
    private final ReconnectPolicy reconnectPolicy;
    private final SSLSocketFactory tls;
    private final ScheduledExecutorService control;
    private final ScheduledExecutorService pahoThreads;
    private final List<Runnable> connectedListeners;
    private final java.util.function.Consumer<StoreAck> storeAcks;
    private final java.util.function.Consumer<Command> commands;
    private final java.util.function.BooleanSupplier holding;
    private final PahoSession.Events events = new SessionEvents();
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();

    private PahoSession session;
    private ScheduledFuture<?> timer;
    private int failures;
    private boolean closed;
    private volatile Link link;
    private volatile State state = State.NEW;
    private volatile boolean sessionPresent;
    private volatile String lastProblem = "";

    ConnectionKeeper(UplinkSettings settings, ReconnectPolicy reconnectPolicy, SSLSocketFactory tls,
            ScheduledExecutorService control, ScheduledExecutorService pahoThreads, List<Runnable> connectedListeners,
            java.util.function.Consumer<StoreAck> storeAcks,
            java.util.function.Consumer<Command> commands,
            java.util.function.BooleanSupplier holding) {
        this.holding = holding;
        this.numbers = ConnectionNumbers.beside(settings);
        this.storeAcks = storeAcks;
        this.commands = commands;
        this.settings = settings;
        this.reconnectPolicy = reconnectPolicy;
        this.tls = tls;
        this.control = control;
        this.pahoThreads = pahoThreads;
        this.connectedListeners = connectedListeners;
    }

    /** The current connection, or null while not connected. Any thread. */
    Link link() {
        return link;
    }

    UplinkStatus status() {
        Link current = link;
        return new UplinkStatus(state, attempts.get(), connections.get(), sessionPresent,
                current == null ? 0 : current.window().inFlight(),
                current == null ? 0 : current.window().capacity(),
                lastProblem);
    }

    State state() {
        return state;
    }

    /** Runs {@code task} on the control thread; after close, drops it (every future was completed by then). */
    @Override
    public void execute(Runnable task) {
        try {
            control.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("Ignoring an MQTT event after close");
        }
    }

    // ---- everything below runs on the control thread ----

    void connect() {
        if (closed) {
            return;
        }
        state = State.CONNECTING;
        log.debug("Connecting to {} as {} (attempt {})", settings.serverUri(), settings.kiosk(),
                attempts.incrementAndGet());
        PahoSession next;
        try {
            next = new PahoSession(settings, tls, pahoThreads, events, storeAcks, commands, holding,
                    numbers.next());
        } catch (MqttException e) {
            retryLater("cannot create the MQTT client: " + Failures.describe(e));
            return;
        }
        session = next;
        timer = control.schedule(() -> connectTimedOut(next), settings.connectTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        try {
            next.connect();
        } catch (MqttException e) {
            connectFailed(next, e);
        }
    }

    /** Closes the connection for good: DISCONNECT if connected, pending publishes fail with LOST. */
    void shutDown() {
        closed = true;
        cancelTimer();
        Link current = link;
        link = null;
        PahoSession open = session;
        session = null;
        if (current != null) {
            failPending(current, "uplink closed");
        }
        if (open != null) {
            open.close();
        }
        state = State.CLOSED;
        log.info("MQTT uplink to {} closed", settings.serverUri());
    }

    private void connected(PahoSession connected, int serverReceiveMaximum, boolean sessionPresent) {
        if (connected != session || state != State.CONNECTING) {
            connected.close();
            return;
        }
        cancelTimer();
        int window = Math.min(settings.inflightWindow(), serverReceiveMaximum);
        link = new Link(connected, new InflightWindow(window));
        failures = 0;
        lastProblem = "";
        this.sessionPresent = sessionPresent;
        state = State.CONNECTED;
        connections.incrementAndGet();
        log.info("Connected to {} as {} (session present: {}, in-flight window {} = min(configured {}, "
                        + "server receive maximum {}))", settings.serverUri(), settings.kiosk(), sessionPresent,
                window, settings.inflightWindow(), serverReceiveMaximum);
        for (Runnable listener : connectedListeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                log.warn("A connected listener failed", e);
            }
        }
    }

    private void connectFailed(PahoSession failed, Throwable cause) {
        if (failed != session || state != State.CONNECTING) {
            return;
        }
        cancelTimer();
        session = null;
        failed.close();
        retryLater("connect to " + settings.serverUri() + " failed: " + Failures.describe(cause));
    }

    private void connectTimedOut(PahoSession slow) {
        if (slow != session || state != State.CONNECTING) {
            return;
        }
        session = null;
        slow.close();
        retryLater("connect to " + settings.serverUri() + " timed out after " + settings.connectTimeout().toSeconds()
                + " s");
    }

    private void lost(PahoSession dropped, String reason) {
        Link current = link;
        if (current == null || current.session() != dropped) {
            if (dropped == session && state == State.CONNECTING) {
                // Dropped after the CONNACK while waiting for the SUBACK and the retained store acknowledgement.
                connectFailed(dropped, new UplinkException(Reason.LOST, "dropped before ready: " + reason, null));
            }
            return;
        }
        link = null;
        session = null;
        failPending(current, "connection lost before PUBACK: " + reason);
        dropped.close();
        retryLater("connection to " + settings.serverUri() + " lost: " + reason);
    }

    private void retryLater(String problem) {
        if (closed) {
            return;
        }
        lastProblem = problem;
        Duration delay = reconnectPolicy.delayAfter(failures);
        failures = failures == Integer.MAX_VALUE ? failures : failures + 1;
        state = State.WAITING_TO_RETRY;
        log.warn("{}; next retry in {} ms", problem, delay.toMillis());
        timer = control.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Paho usually fails in-flight publishes itself just before it reports the loss; this catches the rest. */
    private static void failPending(Link current, String why) {
        List<CompletableFuture<?>> pending = current.window().close();
        for (CompletableFuture<?> future : pending) {
            future.completeExceptionally(new UplinkException(Reason.LOST, why, null));
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** Hands Paho's events (on Paho's threads) over to the control thread. */
    private final class SessionEvents implements PahoSession.Events {
        @Override
        public void connected(PahoSession session, int serverReceiveMaximum, boolean sessionPresent) {
            execute(() -> ConnectionKeeper.this.connected(session, serverReceiveMaximum, sessionPresent));
        }

        @Override
        public void connectFailed(PahoSession session, Throwable cause) {
            execute(() -> ConnectionKeeper.this.connectFailed(session, cause));
        }

        @Override
        public void lost(PahoSession session, String reason) {
            execute(() -> ConnectionKeeper.this.lost(session, reason));
        }
    }
}
