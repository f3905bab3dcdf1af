package org.telekiosk.broker.signaling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.account.SessionLookup;
import org.telekiosk.broker.account.Sessions;
import org.telekiosk.broker.account.SocketsPerOwner;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.consultation.ConsultationPolicy;
import org.telekiosk.broker.consultation.ConsultationService;
import org.telekiosk.broker.consultation.ConsultationState;
import org.telekiosk.broker.consultation.EndReason;
import org.telekiosk.broker.consultation.EndWatcher;
import org.telekiosk.broker.consultation.JoinCodes;
import org.telekiosk.broker.consultation.Reconnects;
import org.telekiosk.broker.consultation.WaitingRoom;
import org.telekiosk.broker.record.ConsultationRecords;
import org.telekiosk.broker.record.Party;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.turn.IceServers;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.signaling.CloseCodes;
import org.telekiosk.protocol.signaling.Participant;
import org.telekiosk.protocol.signaling.SignalError;
import org.telekiosk.protocol.signaling.SignalEvent;
import org.telekiosk.protocol.telemetry.KioskStatus;

/**
 * The broker's signaling, without transport: authenticates each connection's {@code hello} through the
 * account and consultation services, keeps one {@link Room} per consultation, relays offer, answer and ICE
 * candidates only between the admitted participants of the same consultation and only in order, numbers every
 * event per participant and replays them after a resume, and issues ICE servers when a patient is admitted.
 * Thread-safe: each connection's messages arrive in order (the adapter serialises them); rooms are guarded by their
 * own monitors, so one consultation never waits for another. As an {@link EndWatcher} (subscribed by the composition
 * root to {@code CallEvents#subscribeEnds}) it closes the room of every consultation that ends, whatever ended it.
 */
public final class SignalingService implements EndWatcher {
    final Sessions sessions;
    final ConsultationService consultations;
    final WaitingRoom waitingRoom;
    final JoinCodes codes;
    final Reconnects reconnects;
    final IceServers iceServers;
    final SignalingConfig config;
    final Clock clock;
    /** The joined signaling sockets each doctor account and kiosk page holds ({@code signal.max-sockets-per-account}). */
    final SocketsPerOwner sockets;
    private final Duration grace;
    /** The doctor's waiting-room and participants events, read when they are sent. */
    final RoomEvents events;
    /** The consultations' records: told of the doctor's connection, SDP fingerprints, media reports, rungs. */
    final ConsultationRecords records;
    private final Map<ConsultationId, Room> rooms = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger openSockets = new java.util.concurrent.atomic.AtomicInteger();
    private final CallMessages.Listeners rungListeners = new CallMessages.Listeners();
    private final List<java.util.function.Consumer<JoinTime>> joinTimeWatchers =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Set when this node drains (issue 17): a {@code hello} is answered with close 1012 from then on. */
    private volatile boolean draining;
    /** How rooms on other broker nodes are reached; {@link Relaying#LOCAL} (none) on a single node. */
    private volatile Relaying relay = Relaying.LOCAL;

    /** Without kiosk statuses: every kiosk seat shows its sensors as not reported. */
    public SignalingService(Sessions sessions, ConsultationService consultations, WaitingRoom waitingRoom,
            JoinCodes codes, Reconnects reconnects, IceServers iceServers, ConsultationPolicy policy,
            SignalingConfig config, Clock clock) {
        this(sessions, consultations, waitingRoom, codes, reconnects, iceServers, policy, config, clock,
                kiosk -> Optional.empty());
    }

    /**
     * @param statuses each kiosk's latest status ({@code KioskStatusBoard#latest}): the sensors shown to the doctor
     *                 for a patient at that kiosk
     */
    public SignalingService(Sessions sessions, ConsultationService consultations, WaitingRoom waitingRoom,
            JoinCodes codes, Reconnects reconnects, IceServers iceServers, ConsultationPolicy policy,
            SignalingConfig config, Clock clock, Function<KioskId, Optional<KioskStatus>> statuses) {
        this(sessions, consultations, waitingRoom, codes, reconnects, iceServers, policy, config, clock, statuses,
                ConsultationRecords.NONE);
    }

    /** @param records where the consultations' records are told what signaling sees */
    public SignalingService(Sessions sessions, ConsultationService consultations, WaitingRoom waitingRoom,
            JoinCodes codes, Reconnects reconnects, IceServers iceServers, ConsultationPolicy policy,
            SignalingConfig config, Clock clock, Function<KioskId, Optional<KioskStatus>> statuses,
            ConsultationRecords records) {
        this.records = Objects.requireNonNull(records, "records");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.consultations = Objects.requireNonNull(consultations, "consultations");
        this.waitingRoom = Objects.requireNonNull(waitingRoom, "waitingRoom");
        this.events = new RoomEvents(waitingRoom, statuses);
        this.codes = Objects.requireNonNull(codes, "codes");
        this.reconnects = Objects.requireNonNull(reconnects, "reconnects");
        this.iceServers = Objects.requireNonNull(iceServers, "iceServers");
        this.grace = policy.seatGracePeriod();
        this.config = Objects.requireNonNull(config, "config");
        this.sockets = new SocketsPerOwner(config.maxSocketsPerAccount());
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A new connection; it must say {@code hello} first. */
    public Connection connect(Peer peer) {
        openSockets.incrementAndGet();
        return new Connection(this, peer);
    }

    /**
     * The consultation ended (its doctor over REST or signaling, or the purge at the end of its access window):
     * everyone in its room gets {@code ended} with {@code reason} and close 1000, the room is forgotten, and nothing
     * is relayed in it afterwards. Called outside the consultation's lock, so taking the room's monitor here keeps the
     * lock order of the connections (room, then consultation).
     */
    @Override
    public void ended(ConsultationId consultation, EndReason reason) {
        if (!endRoom(consultation, reason.wire())) {
            // The room may be on another node (issue 17): its home closes it, and every socket relayed to it.
            relay.endElsewhere(consultation, reason.wire());
        }
    }

    /** Closes the room of {@code consultation} on this node with {@code reason}; false if there is none here. */
    boolean endRoom(ConsultationId consultation, String reason) {
        Room room = rooms.get(consultation);
        if (room == null) {
            return false;
        }
        synchronized (room) {
            closeAll(room, reason);
        }
        return true;
    }

    /**
     * Relays signaling between this node and the others on the shared database (issue 17): a room stays on the node
     * that claimed it, sockets on other nodes are relayed to it. Called once by the composition root, before the
     * first connection; never on a single node.
     */
    public void relayThrough(Relaying relaying) {
        relay = Objects.requireNonNull(relaying, "relaying");
    }

    Relaying relay() {
        return relay;
    }

    /**
     * This node drains (issue 17): from now on a {@code hello} is answered with close 1012 (the page tries another
     * node), and every room held here is handed over: the seats with a connection are marked dropped in the database
     * (their grace period runs, as after any drop), every connection of the room (this node's sockets and those other
     * nodes relay here) is closed with {@link CloseCodes#SERVICE_RESTART}, and the room is forgotten, which releases
     * its {@code signaling_home} row. The pages resume on another node, which rebuilds the room from the seats, as
     * when a room's home dies (docs/scale-out.md): both parties back in the call without re-admission. Returns how
     * many rooms were handed over. Blocking (the database); from the stopping thread.
     */
    public int handOver() {
        draining = true;
        int rooms = 0;
        for (Room room : List.copyOf(this.rooms.values())) {
            synchronized (room) {
                // Marked before the close reaches the page, so that its resume elsewhere comes after the mark.
                room.connectedPatients().forEach(reconnects::disconnected);
                room.handOver(CloseCodes.SERVICE_RESTART, "node draining; resume");
                forget(room);
            }
            rooms++;
        }
        return rooms;
    }

    /** Whether this node drains (issue 17): no {@code hello} is taken any more. */
    boolean draining() {
        return draining;
    }

    /**
     * A page's {@code media-report} goes to the consultation's record, never to the peer; refused as out of order
     * unless {@code callOn} (the patient is in the call, or the doctor has someone in it).
     */
    void mediaReport(Connection connection, ConsultationId consultation, boolean callOn, Party by,
            org.telekiosk.protocol.signaling.SignalRequest.MediaReport report) {
        if (!callOn) {
            connection.refuse(SignalError.OUT_OF_ORDER, "no call to report on");
            return;
        }
        records.mediaReported(consultation, by, report, clock.instant());
    }

    /**
     * A patient page's {@code join-time}: told to the join time watchers once per seat, and only from a patient in
     * the call (media cannot have connected before). A second report of the same seat (another socket after a resume,
     * a page that sends twice) is refused as out of order and not counted.
     */
    void joinTime(Connection connection, Room room, org.telekiosk.broker.request.ParticipantId participant,
            boolean inCall, org.telekiosk.protocol.signaling.SignalRequest.JoinTime report) {
        if (!inCall) {
            connection.refuse(SignalError.OUT_OF_ORDER, "no media can have connected outside the call");
            return;
        }
        Optional<Room.Link> seat = room.seated(participant);
        if (seat.isEmpty() || !seat.get().firstJoinTimeReport()) {
            connection.refuse(SignalError.OUT_OF_ORDER, "this seat's join time was reported already");
            return;
        }
        JoinTime measured = new JoinTime(Duration.ofMillis(report.millis()), Duration.ofMillis(report.mediaMillis()));
        for (java.util.function.Consumer<JoinTime> watcher : joinTimeWatchers) {
            try {
                watcher.accept(measured);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(SignalingService.class).warn("Join time watcher failed", e);
            }
        }
    }

    /**
     * A patient's join time as their page measured it: {@code sinceEntry} from the code entered (a kiosk page: its
     * call-in) to media connected, {@code sinceAdmitted} from being admitted to media connected.
     */
    public record JoinTime(Duration sinceEntry, Duration sinceAdmitted) {}

    /**
     * Tells {@code watcher} of every join time counted from now on: once per seat, on a {@code signal-*} thread with
     * the room's monitor held, so it must only record (a meter) and never block.
     */
    public void watchJoinTimes(java.util.function.Consumer<JoinTime> watcher) {
        joinTimeWatchers.add(Objects.requireNonNull(watcher, "watcher"));
    }

    /** Tells {@code listener} of every rung change relayed from now on (see {@link RungListener}). */
    public void watchRungs(RungListener listener) {
        rungListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** A relayed rung change goes into the consultation's record and to every rung listener. */
    void rungChanged(RungChange change) {
        records.rungChanged(change.consultation(), change.by() == Participant.Role.DOCTOR
                ? org.telekiosk.broker.record.Party.DOCTOR : org.telekiosk.broker.record.Party.PATIENT,
                change.rung().wire(), change.at());
        rungListeners.tell(change);
    }

    /** Signaling WebSockets open on this node now (before and after their {@code hello}). */
    public int socketCount() {
        return openSockets.get();
    }

    /** A connection's socket closed; called once per connection. */
    void socketClosed() {
        openSockets.decrementAndGet();
    }

    /** How many consultations have signaling state on this node. */
    public int roomCount() {
        return rooms.size();
    }

    Room room(ConsultationId id) {
        return rooms.computeIfAbsent(id, key -> new Room(key, config.replayEvents()));
    }

    /**
     * Runs {@code action} with the monitor of {@code id}'s room held, the room being the one in place: a room the
     * sweep (or {@link #stillOpen}) forgot between the lookup and the monitor is looked up again, so that a party
     * who joins is seated where everyone coming after meets it, never in a forgotten room.
     */
    void inRoom(ConsultationId id, java.util.function.Consumer<Room> action) {
        while (true) {
            Room room = room(id);
            synchronized (room) {
                if (rooms.get(id) == room) {
                    action.accept(room);
                    return;
                }
            }
        }
    }

    void forget(Room room) {
        if (rooms.remove(room.id(), room)) {
            relay.released(room.id());
        }
    }

    /**
     * Releases the seats whose grace period is over and tells their doctors; for a periodic task (every few
     * seconds). Returns how many seats were released.
     */
    public int sweep() {
        int released = reconnects.releaseExpiredSeats();
        Instant now = clock.instant();
        for (Room room : rooms.values()) {
            synchronized (room) {
                if (!room.releaseDropped(grace, now).isEmpty()) {
                    room.toDoctor(seq -> events.waitingRoom(room, seq));
                    room.toDoctor(seq -> events.participants(room, seq));
                }
                if (room.isEmpty()) {
                    // Nobody left to relay to or to resume: a doctor who comes back gets a fresh room and snapshot.
                    forget(room);
                }
            }
        }
        return released;
    }

    // --- helpers used by the connections; each is called with the room's monitor held ---

    /** The account of {@code token}'s session if it is an active staff session. */
    Optional<Account> activeAccount(OpaqueToken token) {
        return activeAccount(token.hash());
    }

    /** The account of the session whose token has {@code hash}, if it is an active staff session. */
    Optional<Account> activeAccount(org.telekiosk.broker.account.SecretHash hash) {
        return sessions.lookup(hash) instanceof SessionLookup.Active active
                ? Optional.of(active.account()) : Optional.empty();
    }

    SignalEvent.Numbered admittedEvent(String participantLabel, long seq) {
        return new SignalEvent.Admitted(seq, iceServers.issue(participantLabel), iceServers.transportPolicy());
    }

    /** Ends every connection of the room after the consultation ended; the room's monitor is held. */
    private void closeAll(Room room, String reason) {
        room.endAll(reason);
        forget(room);
    }

    /** The kiosk of {@code peer}'s handshake kiosk page session, if its cookie holds one. */
    Optional<KioskId> kioskOf(Peer peer) {
        return peer.cookieSession().map(sessions::lookup)
                .flatMap(l -> l instanceof SessionLookup.Kiosk k ? Optional.of(k.kiosk()) : Optional.empty());
    }

    /**
     * Whether the consultation is open for {@code caller}, read again under {@code joined}'s monitor (held by the
     * caller) before a connection joins it: an end stored before this read is seen here, and one stored after it
     * finds the room in place ({@link #ended}) and closes the connection, so nobody stays in an ended consultation.
     * Forgets the room if it is not open and nobody is in it.
     */
    boolean stillOpen(Room joined, Caller caller) {
        boolean open = consultations.get(caller, joined.id()) instanceof Outcome.Done<Consultation> done
                && done.value().state() != ConsultationState.ENDED && !done.value().closedAt(clock.instant());
        if (!open && joined.isEmpty()) {
            forget(joined);
        }
        return open;
    }
}
