package org.telekiosk.broker.signaling;

import static org.telekiosk.broker.signaling.RelayEnvelope.CLOSE;
import static org.telekiosk.broker.signaling.RelayEnvelope.CLOSED;
import static org.telekiosk.broker.signaling.RelayEnvelope.DOCTOR;
import static org.telekiosk.broker.signaling.RelayEnvelope.END;
import static org.telekiosk.broker.signaling.RelayEnvelope.EVENT;
import static org.telekiosk.broker.signaling.RelayEnvelope.MOVED;
import static org.telekiosk.broker.signaling.RelayEnvelope.PATIENT;
import static org.telekiosk.broker.signaling.RelayEnvelope.REQUEST;
import static org.telekiosk.broker.signaling.RelayEnvelope.RESTARTED;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.account.ClientAddress;
import org.telekiosk.broker.account.SecretHash;
import org.telekiosk.broker.consultation.Joined;
import org.telekiosk.broker.consultation.Seat;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.signaling.CloseCodes;
import org.telekiosk.protocol.signaling.SignalEvent;
import org.telekiosk.protocol.signaling.SignalRequest;

/**
 * Signaling across broker nodes (issue 17): each consultation's room lives on one node, its <em>home</em> (the
 * first node a participant reached, recorded in {@code signaling_home}); a socket whose {@code hello} passed on
 * another node is relayed to the home, which runs it exactly as a local socket behind a {@link RemotePeer}. The
 * socket's node forwards what the browser says after {@code hello} and the close; the home sends back the events
 * and the close. So the room's rules (who may send what, order, numbering, replay, end) stay in one place, and
 * everything between two parties passes one room's monitor, in order.
 *
 * <p>Secrets stay on the socket's node: the home gets the hash of a doctor's session token, and a patient's
 * {@code welcome} crosses without its resume token, which the socket's node puts in.
 *
 * <p>Messages for this node arrive one at a time on the transport's thread; the home's work for a relayed socket
 * (database reads of {@code hello}, {@code admit}) runs there.
 */
public final class NodeRelay implements Relaying, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeRelay.class);

    private final SignalingService service;
    private final RelayTransport transport;
    private final String node;
    private final WireCodec codec;
    /** On the home: the connections of sockets on other nodes, by their node and id. */
    private final Map<String, Connection> remote = new ConcurrentHashMap<>();
    /** On the socket's node: the sockets relayed to a home, by id. */
    private final Map<String, Proxy> proxied = new ConcurrentHashMap<>();

    private NodeRelay(SignalingService service, RelayTransport transport, int maxFrameBytes) {
        this.service = Objects.requireNonNull(service, "service");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.node = transport.node();
        // Events the broker makes (an offer's SDP, ICE servers) and requests the socket accepted: bound with room.
        this.codec = WireCodec.json(Math.max(maxFrameBytes, WireCodec.DEFAULT_MAX_BYTES) * 4);
    }

    /**
     * Relays {@code service}'s signaling through {@code transport} from now on, and tells the other nodes that this
     * one (re)started: the sockets they held for it are gone. Blocking.
     */
    public static NodeRelay start(SignalingService service, RelayTransport transport, int maxFrameBytes) {
        NodeRelay relay = new NodeRelay(service, transport, maxFrameBytes);
        service.relayThrough(relay);
        transport.start(relay::receive);
        relay.transport.broadcast(RelayEnvelope.of(RESTARTED, relay.node, null).encode());
        return relay;
    }

    // --- Relaying: the socket's node ---

    @Override
    public boolean doctorElsewhere(Connection connection, ConsultationId consultation, SecretHash session) {
        String home = transport.home(consultation);
        if (home.equals(node)) {
            return false;
        }
        Proxy proxy = proxy(connection, home, "");
        send(home, new RelayEnvelope(DOCTOR, node, proxy.id, consultation.toString(), null, session.hex(), null, null,
                null, connection.peer().address().value(), null, null, null, connection.version()));
        LOG.info("[{}] Doctor's socket relayed to node {} for consultation {}", connection.peer().id(), home,
                consultation);
        return true;
    }

    @Override
    public boolean patientElsewhere(Connection connection, Joined joined, long lastSeen, boolean resumed) {
        String home = transport.home(joined.consultation());
        if (home.equals(node)) {
            return false;
        }
        Proxy proxy = proxy(connection, home, joined.resumeToken().value());
        proxy.participant = joined.participant();
        send(home, new RelayEnvelope(PATIENT, node, proxy.id, joined.consultation().toString(),
                joined.participant().toString(), null, joined.status().name(), lastSeen, resumed,
                connection.peer().address().value(), null, null, null, connection.version()));
        LOG.info("[{}] Patient {}'s socket relayed to node {} for consultation {}", connection.peer().id(),
                joined.participant(), home, joined.consultation());
        return true;
    }

    @Override
    public void seatHeld(ParticipantId participant) {
        transport.seatHeld(participant);
    }

    @Override
    public void released(ConsultationId consultation) {
        transport.release(consultation);
    }

    @Override
    public void endElsewhere(ConsultationId consultation, String reason) {
        transport.sendToHome(consultation, new RelayEnvelope(END, node, null, consultation.toString(), null, null,
                null, null, null, null, null, null, reason, null).encode());
    }

    /**
     * Looks for nodes that died (their heartbeat went stale, issue 17) among those this node relays to or for; for a
     * periodic task. A socket of this node relayed to a dead home is closed with
     * {@link CloseCodes#SERVICE_RESTART}: its page resumes at once, and the node it reaches then claims the room and
     * rebuilds it from the seats in the database. A socket of a dead node seated in a room here is dropped as if it
     * had closed (a patient's seat keeps its grace period). Returns how many sockets were closed or dropped.
     * Blocking (one database read, only while sockets are relayed).
     */
    public int closeOrphans() {
        java.util.Set<String> nodes = new java.util.HashSet<>();
        proxied.values().forEach(proxy -> nodes.add(proxy.home));
        remote.keySet().forEach(key -> nodes.add(key.substring(0, key.lastIndexOf(' '))));
        if (nodes.isEmpty()) {
            return 0;
        }
        java.util.Set<String> live = transport.live(nodes);
        int closed = 0;
        for (Proxy proxy : java.util.List.copyOf(proxied.values())) {
            if (!live.contains(proxy.home) && proxied.remove(proxy.id, proxy)) {
                LOG.warn("[{}] The node {} holding this socket's room is gone; the socket is closed with {} so that"
                        + " it resumes", proxy.connection.peer().id(), proxy.home, CloseCodes.SERVICE_RESTART);
                moveOn(proxy, "the room's node is gone; resume");
                closed++;
            }
        }
        for (Map.Entry<String, Connection> entry : Map.copyOf(remote).entrySet()) {
            String from = entry.getKey().substring(0, entry.getKey().lastIndexOf(' '));
            if (!live.contains(from) && remote.remove(entry.getKey(), entry.getValue())) {
                entry.getValue().closed();
                closed++;
            }
        }
        return closed;
    }

    /**
     * This node drains (issue 17): each of its sockets relayed to a room on another node is closed with
     * {@link CloseCodes#SERVICE_RESTART} (a patient's seat marked dropped first), as when that node dies, so that the
     * page resumes on a node that stays; a socket another node relays here from now on is sent back to it (it closes
     * it and the page tries again). Returns how many sockets were closed. Blocking (the database).
     */
    public int moveSockets() {
        int closed = 0;
        for (Proxy proxy : java.util.List.copyOf(proxied.values())) {
            if (proxied.remove(proxy.id, proxy)) {
                moveOn(proxy, "node draining; resume");
                // The home drops the socket from its room now, not when the page is back (the close tells it too).
                send(proxy.home, RelayEnvelope.of(CLOSED, node, proxy.id));
                closed++;
            }
        }
        return closed;
    }

    /**
     * Closes {@code proxy}'s socket with {@link CloseCodes#SERVICE_RESTART}, a patient's seat marked dropped first:
     * by this node, before the close lets the page resume, because the room's node is gone or about to be, so that a
     * page that never comes back loses its seat after the grace period as after any drop.
     */
    private void moveOn(Proxy proxy, String reason) {
        if (proxy.participant != null) {
            service.reconnects.disconnected(proxy.participant);
        }
        proxy.connection.finish(CloseCodes.SERVICE_RESTART, reason);
    }

    /** Blocks until what this node sent so far left it, at most {@code wait}; whether it did (a drain). */
    public boolean flush(java.time.Duration wait) {
        return transport.flush(wait);
    }

    /** Sockets of this node relayed to a home now. */
    public int relayedSockets() {
        return proxied.size();
    }

    /** Sockets of other nodes whose room is on this node now. */
    public int remoteSockets() {
        return remote.size();
    }

    private Proxy proxy(Connection connection, String home, String resumeToken) {
        Proxy proxy = new Proxy(UUID.randomUUID().toString(), home, connection, resumeToken);
        proxied.put(proxy.id, proxy);
        connection.forwardTo(proxy);
        return proxy;
    }

    /** A socket of this node whose room is on {@code home}. */
    private final class Proxy implements Connection.Forward {
        private final String id;
        private final String home;
        private final Connection connection;
        private final String resumeToken;
        /** The patient's seat, for a patient's socket; null for a doctor's. */
        private volatile ParticipantId participant;

        Proxy(String id, String home, Connection connection, String resumeToken) {
            this.id = id;
            this.home = home;
            this.connection = connection;
            this.resumeToken = resumeToken;
        }

        @Override
        public void request(SignalRequest request) {
            String text;
            try {
                text = codec.encodeToString(request);
            } catch (RuntimeException e) {
                LOG.warn("[{}] Cannot relay a {} to node {}: {}", connection.peer().id(),
                        request.getClass().getSimpleName(), home, e.toString());
                return;
            }
            send(home, RelayEnvelope.of(REQUEST, node, id).message(text));
        }

        @Override
        public void closed() {
            proxied.remove(id, this);
            send(home, RelayEnvelope.of(CLOSED, node, id));
        }

        void deliver(SignalEvent event) {
            if (event instanceof SignalEvent.Welcome w && w.resumeToken().isEmpty() && !resumeToken.isEmpty()) {
                event = new SignalEvent.Welcome(w.protocolVersion(), w.consultation(), w.role(), w.participant(),
                        resumeToken, w.status(), w.lastSeq());
            }
            connection.peer().send(event);
        }
    }

    // --- the home ---

    // --- what arrives ---

    /** One message for this node, from the transport's thread. */
    void receive(String payload) {
        RelayEnvelope envelope;
        try {
            envelope = RelayEnvelope.decode(payload);
        } catch (java.io.IOException e) {
            LOG.warn("Unreadable relayed signaling message dropped: {}", e.getMessage());
            return;
        }
        if (node.equals(envelope.from()) && !END.equals(envelope.kind())) {
            return; // this node's own broadcast
        }
        try {
            switch (envelope.kind()) {
                case DOCTOR, PATIENT -> joinHere(envelope);
                case REQUEST -> {
                    Connection connection = remote.get(key(envelope));
                    if (connection != null) {
                        connection.receive(codec.decode(envelope.message(), SignalRequest.class));
                    }
                }
                case CLOSED -> {
                    Connection connection = remote.remove(key(envelope));
                    if (connection != null) {
                        connection.closed();
                    }
                }
                case EVENT -> {
                    Proxy proxy = proxied.get(envelope.conn());
                    if (proxy != null) {
                        proxy.deliver(codec.decode(envelope.message(), SignalEvent.class));
                    }
                }
                case CLOSE -> {
                    // Gone from the relayed sockets at once, not when the close completes: the check for dead homes
                    // must not mark the seat dropped again after the page resumed elsewhere (a drain's 1012).
                    Proxy proxy = proxied.remove(envelope.conn());
                    if (proxy != null) {
                        proxy.connection.finish(envelope.code(), envelope.reason());
                    }
                }
                case MOVED -> {
                    Proxy proxy = proxied.get(envelope.conn());
                    if (proxy != null) {
                        // The room moved between this node's look-up and its arrival: the page reconnects.
                        proxy.connection.finish(CloseCodes.GOING_AWAY, "try again");
                    }
                }
                case END -> service.endRoom(ConsultationId.of(envelope.consultation()), envelope.reason());
                case RESTARTED -> dropSocketsOf(envelope.from());
                default -> LOG.warn("Relayed signaling message of unknown kind {} from node {} dropped",
                        envelope.kind(), envelope.from());
            }
        } catch (MalformedMessageException | RuntimeException e) {
            LOG.warn("Relayed signaling message {} from node {} failed: {}", envelope.kind(), envelope.from(),
                    e.toString());
        }
    }

    /** A socket on another node joins a room: this node must still be the room's home. */
    private void joinHere(RelayEnvelope envelope) {
        ConsultationId consultation = ConsultationId.of(envelope.consultation());
        ClientAddress address = envelope.address() == null ? new ClientAddress("relayed")
                : new ClientAddress(envelope.address());
        Connection connection = Connection.relayed(service, new RemotePeer(this::send, node, codec, envelope.from(), envelope.conn(),
                address));
        // the version the socket's hello named on its node (1 if a node of an older version sent no version)
        connection.version(envelope.version() == null ? 1 : envelope.version());
        remote.put(key(envelope), connection);
        if (service.draining() || !transport.home(consultation).equals(node)) {
            send(envelope.from(), RelayEnvelope.of(MOVED, node, envelope.conn()));
            return;
        }
        Hello hello = new Hello(service, connection);
        if (DOCTOR.equals(envelope.kind())) {
            hello.doctor(Optional.of(new SecretHash(envelope.session())), consultation, false);
        } else {
            hello.seat(consultation, new ParticipantId(UUID.fromString(envelope.participant())),
                    Seat.Status.valueOf(envelope.status()), "", envelope.lastSeen(), envelope.resumed());
        }
    }

    /** Node {@code from} started again: the sockets it held before are gone (dropped, as if closed). */
    private void dropSocketsOf(String from) {
        String prefix = from + " ";
        for (Map.Entry<String, Connection> entry : Map.copyOf(remote).entrySet()) {
            if (entry.getKey().startsWith(prefix) && remote.remove(entry.getKey(), entry.getValue())) {
                entry.getValue().closed();
            }
        }
        LOG.info("Broker node {} started: the signaling sockets it held are dropped", from);
    }

    private static String key(RelayEnvelope envelope) {
        return envelope.from() + " " + envelope.conn();
    }

    private void send(String to, RelayEnvelope envelope) {
        transport.send(to, envelope.encode());
    }

    @Override
    public void close() {
        transport.close();
    }
}
