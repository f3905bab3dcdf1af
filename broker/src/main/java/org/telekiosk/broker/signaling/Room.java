package org.telekiosk.broker.signaling;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.protocol.signaling.CloseCodes;
import org.telekiosk.protocol.signaling.PreCallCheck;
import org.telekiosk.protocol.signaling.SignalEvent;

/**
 * The signaling state of one consultation on this node: the doctor's connection, each seated patient's connection
 * and outbox, who is in the call, and where the offer/answer exchange stands (the doctor offers; an answer needs an
 * outstanding offer; candidates follow the first offer). Every method is called with the room's monitor held.
 */
final class Room {
    /** One seated patient: their outbox outlives their connections within the grace period. */
    static final class Link {
        private final ParticipantId participant;
        private final ReplayBuffer outbox;
        private Connection connection;
        private Optional<Instant> droppedAt = Optional.empty();
        private PreCallCheck check = PreCallCheck.NOT_REPORTED;
        private boolean joinTimeReported;

        private Link(ParticipantId participant, ReplayBuffer outbox) {
            this.participant = participant;
            this.outbox = outbox;
        }

        ParticipantId participant() {
            return participant;
        }

        ReplayBuffer outbox() {
            return outbox;
        }

        /** The seat's latest pre-call check, {@link PreCallCheck#NOT_REPORTED} until its page sent one. */
        PreCallCheck check() {
            return check;
        }

        /** The page reported its pre-call check; whether it differs from the one it reported before. */
        boolean check(PreCallCheck reported) {
            boolean changed = !reported.equals(check);
            check = reported;
            return changed;
        }

        /** {@code connection} takes the seat; returns the connection it replaces, if another one held it. */
        Optional<Connection> attach(Connection next) {
            Connection previous = connection;
            connection = next;
            droppedAt = Optional.empty();
            return previous != null && previous != next ? Optional.of(previous) : Optional.empty();
        }

        /**
         * The seat's page reports its join time: true the first time, false ever after (the seat's later sockets
         * after a resume included), so that one page cannot weigh in more than once.
         */
        boolean firstJoinTimeReport() {
            if (joinTimeReported) {
                return false;
            }
            joinTimeReported = true;
            return true;
        }

        /** Whether {@code candidate} holds the seat now. */
        boolean heldBy(Connection candidate) {
            return connection == candidate;
        }

        /** The seat's connection dropped at {@code at}; the seat is kept for the grace period. */
        void dropped(Instant at) {
            connection = null;
            droppedAt = Optional.of(at);
        }

        private boolean droppedFor(Duration grace, Instant now) {
            return connection == null && droppedAt.isPresent() && !now.isBefore(droppedAt.get().plus(grace));
        }

        /** The patient's connection now, if the seat has one (for events that are not numbered or kept). */
        Optional<Peer> peer() {
            return connection == null ? Optional.empty() : Optional.of(connection.peer());
        }

        /** Numbers an event into the outbox and sends it, if the patient is connected. */
        void send(LongFunction<SignalEvent.Numbered> make) {
            SignalEvent.Numbered event = outbox.push(make);
            if (connection != null) {
                connection.peer().send(event);
            }
        }

        private void close(String reason) {
            if (connection != null) {
                connection.finish(CloseCodes.NORMAL, reason);
            }
        }
    }

    private final ConsultationId id;
    private final int replayEvents;
    private final ReplayBuffer doctorOutbox;
    private final Map<ParticipantId, Link> patients = new LinkedHashMap<>();
    private Connection doctor;
    /** The doctor's account as last authenticated; lets the room read the waiting list when seats change. */
    private Account doctorAccount;
    private ParticipantId inCall;
    private boolean offerSeen;
    private boolean awaitingAnswer;

    Room(ConsultationId id, int replayEvents) {
        this.id = id;
        this.replayEvents = replayEvents;
        this.doctorOutbox = new ReplayBuffer(replayEvents);
    }

    ConsultationId id() {
        return id;
    }

    // --- the doctor ---

    /** {@code connection} is the doctor's now; returns the connection it replaces, if another one. */
    /** The doctor's connection now, if any. */
    Optional<Connection> doctorConnection() {
        return Optional.ofNullable(doctor);
    }

    Optional<Connection> seatDoctor(Connection connection, Account account) {
        Connection previous = doctor;
        doctor = connection;
        doctorAccount = account;
        return previous != null && previous != connection ? Optional.of(previous) : Optional.empty();
    }

    /** The doctor's {@code connection} closed; false if it no longer was the doctor's. */
    boolean doctorLeft(Connection connection) {
        if (doctor != connection) {
            return false;
        }
        doctor = null;
        return true;
    }

    /** The doctor's connection now, if they have one (for events that are not numbered or kept). */
    Optional<Peer> doctorPeer() {
        return doctor == null ? Optional.empty() : Optional.of(doctor.peer());
    }

    Optional<Account> doctorAccount() {
        return Optional.ofNullable(doctorAccount);
    }

    /** The doctor's session was looked up again: the account as it is now. */
    void doctorAccount(Account account) {
        doctorAccount = account;
    }

    /** The last number in the doctor's outbox. */
    long doctorLast() {
        return doctorOutbox.last();
    }

    /** Numbers an event into the doctor's outbox and sends it, if the doctor is connected. */
    void toDoctor(LongFunction<SignalEvent.Numbered> make) {
        SignalEvent.Numbered event = doctorOutbox.push(make);
        if (doctor != null) {
            doctor.peer().send(event);
        }
    }

    // --- patients and the call ---

    /** The seat of {@code participant}, made on first use. */
    Link link(ParticipantId participant) {
        return patients.computeIfAbsent(participant, p -> new Link(p, new ReplayBuffer(replayEvents)));
    }

    Optional<Link> seated(ParticipantId participant) {
        return Optional.ofNullable(patients.get(participant));
    }

    /** The patient left for good: their seat goes, and the call with them. */
    Optional<Link> unseat(ParticipantId participant) {
        if (participant.equals(inCall)) {
            hangUp();
        }
        return Optional.ofNullable(patients.remove(participant));
    }

    /** Seats whose connection dropped at least {@code grace} ago, removed; the call ends if it held one of them. */
    List<Link> releaseDropped(Duration grace, Instant now) {
        List<Link> gone = new ArrayList<>();
        for (Link link : List.copyOf(patients.values())) {
            if (link.droppedFor(grace, now)) {
                unseat(link.participant);
                gone.add(link);
            }
        }
        return gone;
    }

    /** Whether a seated patient is in the call. */
    boolean callBusy() {
        return inCall != null && patients.containsKey(inCall);
    }

    boolean inCall(ParticipantId participant) {
        return participant.equals(inCall);
    }

    /** The seat in the call, if someone is. */
    Optional<Link> callee() {
        return inCall == null ? Optional.empty() : seated(inCall);
    }

    /** {@code participant} is in the call now; negotiation starts afresh. */
    void admit(ParticipantId participant) {
        inCall = participant;
        offerSeen = false;
        awaitingAnswer = false;
    }

    boolean hasCall() {
        return inCall != null;
    }

    private void hangUp() {
        inCall = null;
        offerSeen = false;
        awaitingAnswer = false;
    }

    // --- negotiation ---

    /** The doctor offered: an answer is awaited, candidates may flow. */
    void offered() {
        offerSeen = true;
        awaitingAnswer = true;
    }

    /** Whether candidates may flow (an offer was made in this call). */
    boolean negotiating() {
        return offerSeen;
    }

    /** Takes the patient's answer; false if no offer awaits one. */
    boolean answer() {
        if (!awaitingAnswer) {
            return false;
        }
        awaitingAnswer = false;
        return true;
    }

    // --- the room as a whole ---

    /** Whether nobody is connected or seated. */
    boolean isEmpty() {
        return doctor == null && patients.isEmpty();
    }

    /** Tells everyone {@code ended} with {@code reason} and closes every connection (1000); the room is empty then. */
    /**
     * This node drains (issue 17): every connection of the room is closed with {@code code}, the seats and the doctor
     * emptied (so that the closes that follow find nobody to mark dropped here: the seats were marked by the caller
     * and may be resumed elsewhere by then); the room is to be forgotten. Returns the patients whose seat had a
     * connection, for the caller to mark dropped before it calls this.
     */
    void handOver(int code, String reason) {
        for (Link link : patients.values()) {
            Connection connection = link.connection;
            link.connection = null;
            if (connection != null) {
                connection.finish(code, reason);
            }
        }
        patients.clear();
        inCall = null;
        if (doctor != null) {
            Connection leaving = doctor;
            doctor = null;
            leaving.finish(code, reason);
        }
    }

    /** The patients whose seat has a connection now. */
    List<ParticipantId> connectedPatients() {
        return patients.values().stream().filter(link -> link.connection != null).map(Link::participant).toList();
    }

    void endAll(String reason) {
        for (Link link : patients.values()) {
            link.send(seq -> new SignalEvent.Ended(seq, reason));
            link.close(reason);
        }
        patients.clear();
        inCall = null;
        if (doctor != null) {
            toDoctor(seq -> new SignalEvent.Ended(seq, reason));
            doctor.finish(CloseCodes.NORMAL, reason);
            doctor = null;
        }
    }
}
