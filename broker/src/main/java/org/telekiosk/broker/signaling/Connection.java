package org.telekiosk.broker.signaling;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.protocol.signaling.CloseCodes;
import org.telekiosk.protocol.signaling.SignalError;
import org.telekiosk.protocol.signaling.SignalEvent;
import org.telekiosk.protocol.signaling.SignalRequest;

/**
 * One signaling connection: before {@code hello} it may only say hello or ping ({@link Hello} checks the credential);
 * after it, it is the doctor of one consultation ({@link DoctorSide}) or one seated patient ({@link PatientSide}), and
 * each message is checked against that role and the room's state (see the table "Who may send what" in
 * {@code protocol/README.md}). Calls arrive one at a time (the adapter serialises them); the room's monitor guards
 * what is shared.
 */
public final class Connection {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    /** What a connection is after its {@code hello}; every method is called with the room's monitor held. */
    sealed interface Side permits DoctorSide, PatientSide {
        Room room();

        /** One message after {@code hello}, other than {@code hello} and {@code ping}. */
        void receive(SignalRequest request);

        /** The socket closed. */
        void closed();
    }

    /**
     * Where a connection whose consultation's room is on another broker node sends what its browser says after
     * {@code hello} (issue 17): the node holding the room runs it. Called in the socket's order.
     */
    interface Forward {
        void request(SignalRequest request);

        /** The socket closed. */
        void closed();
    }

    private final SignalingService service;
    private final Peer peer;
    /** Set once {@code hello} found the room on another node; then nothing is handled here but ping. */
    private volatile Forward forward;
    private final RateLimit rate;
    private volatile boolean finished;
    private volatile Side side;
    /** The protocol version its {@code hello} named (1 or 2); 0 before. */
    private volatile int version;
    private final java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);
    private static final Runnable NO_PLACE = () -> {};
    /** Gives this connection's place among its owner's sockets back; {@link #NO_PLACE} until it holds one. */
    private final java.util.concurrent.atomic.AtomicReference<Runnable> place =
            new java.util.concurrent.atomic.AtomicReference<>(NO_PLACE);

    Connection(SignalingService service, Peer peer) {
        this.service = service;
        this.peer = peer;
        this.rate = new RateLimit(service.clock, service.config.ratePerSecond(), service.config.burst());
    }

    /**
     * The home node's side of a socket on another node (issue 17): not counted among this node's open sockets
     * ({@link SignalingService#socketCount()}), which its own node counts.
     */
    static Connection relayed(SignalingService service, Peer peer) {
        Connection connection = new Connection(service, peer);
        connection.open.set(false);
        return connection;
    }

    Peer peer() {
        return peer;
    }

    /** Handles one message from the browser. */
    public void receive(SignalRequest request) {
        if (finished) {
            return;
        }
        if (!rate.tryAcquire()) {
            LOG.info("[{}] Signaling rate limit exceeded; closing", peer.id());
            fail(SignalError.RATE_LIMITED, "more than " + service.config.ratePerSecond() + " messages per second");
            return;
        }
        if (request instanceof SignalRequest.Ping ping) {
            peer.send(new SignalEvent.Pong(ping.nonce()));
            return;
        }
        Forward relayed = forward;
        if (relayed != null) {
            relayed.request(request);
            return;
        }
        Side current = side;
        if (current == null) {
            if (request instanceof SignalRequest.Hello && service.draining()) {
                // This node drains (issue 17): the page says hello again on another node.
                finish(CloseCodes.SERVICE_RESTART, "node draining; reconnect");
            } else if (request instanceof SignalRequest.Hello hello) {
                new Hello(service, this).accept(hello);
            } else {
                fail(SignalError.NOT_AUTHENTICATED, "say hello first");
            }
            return;
        }
        if (request instanceof SignalRequest.Hello) {
            refuse(SignalError.OUT_OF_ORDER, "already authenticated");
            return;
        }
        if ((request instanceof SignalRequest.Check || request instanceof SignalRequest.JoinTime) && version < 2) {
            // As a version 1 broker would answer it: version 1 has no such message.
            fail(SignalError.UNKNOWN_TYPE, "'" + (request instanceof SignalRequest.Check ? "check" : "join-time")
                    + "' needs protocol version 2; this connection said hello with " + version);
            return;
        }
        synchronized (current.room()) {
            if (!finished) {
                current.receive(request);
            }
        }
    }

    /** The protocol version this connection's {@code hello} named (0 before it). */
    int version() {
        return version;
    }

    /** The {@code hello} named a version this broker speaks. */
    void version(int spoken) {
        version = spoken;
    }

    /** Whether {@code hello} succeeded. */
    public boolean isAuthenticated() {
        return side != null || forward != null;
    }

    /** The {@code hello} succeeded and the room is on another node: everything after it goes {@code to} it. */
    void forwardTo(Forward to) {
        forward = to;
    }

    /** The transport's deadline for {@code hello} passed. */
    public void timedOut() {
        if (!finished && side == null) {
            fail(SignalError.NOT_AUTHENTICATED, "no hello in time");
        }
    }

    /** The transport saw the socket close (for whatever reason). */
    public void closed() {
        finished = true;
        if (open.compareAndSet(true, false)) {
            service.socketClosed();
        }
        place.getAndSet(NO_PLACE).run();
        Forward relayed = forward;
        if (relayed != null) {
            relayed.closed();
            return;
        }
        Side current = side;
        if (current == null) {
            return;
        }
        synchronized (current.room()) {
            current.closed();
        }
    }

    /** The {@code hello} succeeded: from now on this connection is {@code joined}. The room's monitor is held. */
    void joined(Side joined) {
        side = joined;
    }

    /**
     * Takes one of {@code owner}'s socket places ({@code signal.max-sockets-per-account}) for as long as this
     * connection lives; false if the owner holds them all. Called once, from {@code hello}.
     */
    boolean holdPlace(String owner) {
        java.util.Optional<Runnable> taken = service.sockets.open(owner);
        if (taken.isEmpty()) {
            return false;
        }
        place.getAndSet(taken.get()).run();
        if (finished) {
            place.getAndSet(NO_PLACE).run();
        }
        return true;
    }

    /**
     * This connection replaces {@code previous} (the same doctor's consultation, the same patient's seat): it takes
     * over that connection's place, so a replacement never counts twice nor is refused for the one it replaces.
     */
    void inheritPlace(Connection previous) {
        place.getAndSet(previous.place.getAndSet(NO_PLACE)).run();
        if (finished) {
            place.getAndSet(NO_PLACE).run();
        }
    }

    /** Closes this connection from the broker's side; nothing it sends afterwards is handled. */
    void finish(int code, String reason) {
        finished = true;
        place.getAndSet(NO_PLACE).run();
        peer.close(code, reason);
    }

    /** Answers with an error; the connection stays open. */
    void refuse(SignalError error, String message) {
        peer.send(new SignalEvent.Error(error.code(), message));
    }

    /** Answers with an error and closes the connection with the error's close code. */
    void fail(SignalError error, String message) {
        LOG.info("[{}] Signaling refused ({}): {}", peer.id(), error.code(), message);
        peer.send(new SignalEvent.Error(error.code(), message));
        finish(error.closeCode() == 0 ? CloseCodes.NORMAL : error.closeCode(), error.code());
    }
}
