package org.telekiosk.broker.viewer;

import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.protocol.signaling.SignalError;
import org.telekiosk.protocol.viewer.ViewerEvent;
import org.telekiosk.protocol.viewer.ViewerRequest;

/**
 * One vitals socket's life, without a transport: it waits for a {@code hello}, has {@link VitalsAccess} judge it on
 * {@code executor} (session and consultation lookups block), joins the {@link ViewerHub} as the principal granted,
 * then passes requests to the hub. A refused {@code hello} gets an {@code error} event and a close with the signaling
 * socket's code (4400, 4401, 4403, 4410; 4429 {@code too-many-sockets} when the account holds
 * {@code viewer.max-sockets-per-account} already); a message before the answer to {@code hello} gets an
 * {@code error}. Every message takes a token of the socket's rate ({@code viewer.rate-per-second},
 * {@code viewer.burst}); without one the socket is closed with {@code rate-limited}, 4429.
 */
public final class VitalsConnection {
    private static final Logger LOG = LoggerFactory.getLogger(VitalsConnection.class);

    /** What this connection needs from its socket. Every method may be called from any thread. */
    public interface Socket {
        void send(ViewerEvent event);

        /** Sends a close frame with {@code code} and {@code reason}, then closes. */
        void close(int code, String reason);

        boolean isOpen();
    }

    private enum State { AWAITING_HELLO, CHECKING, JOINED, REFUSED }

    private final ViewerHub hub;
    private final VitalsAccess access;
    private final Executor executor;
    private final ViewerSession session;
    private final Socket socket;
    private final Optional<OpaqueToken> cookieSession;
    private final LongSupplier nanoTime;
    private final double tokensPerNano;
    private final double burst;
    /** The message rate's bucket; on the socket's thread only (requests arrive in order on one thread). */
    private double tokens;
    private long tokensAt;
    private volatile Runnable release = () -> { };
    private volatile boolean closed;
    private volatile State state = State.AWAITING_HELLO;

    /** With the system's monotonic clock for the message rate. */
    public VitalsConnection(ViewerHub hub, VitalsAccess access, Executor executor, ViewerSession session,
            Socket socket, Optional<OpaqueToken> cookieSession) {
        this(hub, access, executor, session, socket, cookieSession, System::nanoTime);
    }

    /**
     * @param cookieSession the session cookie of the socket's handshake, if any
     * @param nanoTime      the socket's monotonic clock, for its message rate ({@link ViewerLimits})
     */
    public VitalsConnection(ViewerHub hub, VitalsAccess access, Executor executor, ViewerSession session,
            Socket socket, Optional<OpaqueToken> cookieSession, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.tokensPerNano = access.limits().ratePerSecond() / 1e9;
        this.burst = access.limits().burst();
        this.tokens = burst;
        this.tokensAt = nanoTime.getAsLong();
        this.hub = hub;
        this.access = access;
        this.executor = executor;
        this.session = session;
        this.socket = socket;
        this.cookieSession = cookieSession;
    }

    /** One request from the browser, in order. Does not block. */
    public void receive(ViewerRequest request) {
        if (!withinRate()) {
            LOG.info("[{}] Vitals socket over its message rate; closing", session.id());
            refuse(SignalError.RATE_LIMITED, "more than " + access.limits().burst() + " messages at once or "
                    + access.limits().ratePerSecond() + " a second");
            return;
        }
        switch (state) {
            case AWAITING_HELLO -> {
                if (request instanceof ViewerRequest.Hello hello) {
                    state = State.CHECKING;
                    executor.execute(() -> check(hello));
                } else {
                    refuse(SignalError.NOT_AUTHENTICATED, "hello first");
                }
            }
            case CHECKING, REFUSED -> socket.send(new ViewerEvent.Error(SignalError.OUT_OF_ORDER.code(),
                    "wait for the answer to hello"));
            case JOINED -> socket.send(hub.handle(request).orElseGet(() -> new ViewerEvent.Error(
                    SignalError.OUT_OF_ORDER.code(), "hello was accepted already")));
        }
    }

    /** The deadline for {@code hello} passed. */
    public void timedOut() {
        if (socket.isOpen() && state == State.AWAITING_HELLO) {
            refuse(SignalError.NOT_AUTHENTICATED, "no hello in time");
        }
    }

    private boolean withinRate() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(burst, tokens + Math.max(0, now - tokensAt) * tokensPerNano);
        tokensAt = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    /** The socket closed. */
    public void closed() {
        closed = true;
        hub.leave(session);
        release.run();
    }

    /** On the executor. */
    private void check(ViewerRequest.Hello hello) {
        VitalsAccess.Verdict verdict;
        try {
            verdict = access.authorize(hello, cookieSession);
        } catch (RuntimeException e) {
            LOG.warn("[{}] Checking a vitals hello failed: {}", session.id(), e.toString());
            state = State.REFUSED;
            socket.close(1011, "Internal server error");
            return;
        }
        switch (verdict) {
            case VitalsAccess.Verdict.Denied denied -> {
                LOG.info("[{}] Vitals hello refused ({})", session.id(), denied.error().code());
                refuse(denied.error(), denied.message());
            }
            case VitalsAccess.Verdict.Granted granted -> {
                release = granted.release();
                if (closed) {
                    release.run();
                    return;
                }
                // Joined before the hub sends the welcome: the browser may answer it at once, and its next message
                // can be read on the event loop before join() returns here.
                state = State.JOINED;
                hub.join(session, granted.principal(), access::openCalls);
                if (!socket.isOpen()) {
                    hub.leave(session);
                }
                LOG.info("[{}] Vitals viewer joined as {}", session.id(), granted.principal());
            }
        }
    }

    private void refuse(SignalError error, String message) {
        state = State.REFUSED;
        socket.send(new ViewerEvent.Error(error.code(), message));
        socket.close(error.closeCode(), error.code());
    }
}
