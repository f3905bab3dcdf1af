package org.telekiosk.broker.signaling;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.protocol.signaling.Participant;
import org.telekiosk.protocol.signaling.SignalError;
import org.telekiosk.protocol.signaling.SignalEvent;
import org.telekiosk.protocol.signaling.SignalRequest;

/**
 * The call's own messages besides negotiation: chat lines and the degradation ladder's rung ({@code quality}),
 * relayed only between the doctor and the patient in the call of one room. Chat is never stored, numbered, replayed
 * or logged (KBV Anlage 31b: nothing of the consultation's content is recorded); it is limited in length
 * ({@link SignalRequest#MAX_CHAT_CHARS}) and rate ({@value #CHAT_BURST} at once, then {@value #CHAT_PER_SECOND} a
 * second per connection; the socket's general rate limit closes a flood with 4429). One instance per connection;
 * called with the room's monitor held.
 */
final class CallMessages {
    private static final Logger LOG = LoggerFactory.getLogger(CallMessages.class);
    /** Chat lines a connection may send per second on average. */
    static final int CHAT_PER_SECOND = 1;
    /** Chat lines a connection may send at once. */
    static final int CHAT_BURST = 5;

    private final SignalingService service;
    private final Peer peer;
    private final RateLimit chatRate;

    CallMessages(SignalingService service, Peer peer) {
        this.service = service;
        this.peer = peer;
        this.chatRate = new RateLimit(service.clock, CHAT_PER_SECOND, CHAT_BURST);
    }

    /** The doctor's chat line, to the patient in the call. */
    void doctorChat(Room room, SignalRequest.Chat chat) {
        Optional<Room.Link> patient = room.callee();
        if (patient.isEmpty()) {
            refuse(SignalError.NOT_IN_CALL, "nobody is in the call");
            return;
        }
        if (admissible(chat)) {
            deliver(patient.get().peer(), new SignalEvent.Chat(Participant.Role.DOCTOR, chat.text()));
        }
    }

    /** A patient's chat line, to the doctor, if this patient is in the call. */
    void patientChat(Room room, boolean inCall, SignalRequest.Chat chat) {
        if (!inCall) {
            refuse(SignalError.NOT_IN_CALL, "not in the call");
            return;
        }
        if (admissible(chat)) {
            deliver(room.doctorPeer(), new SignalEvent.Chat(Participant.Role.PATIENT, chat.text()));
        }
    }

    /** The doctor's page set the ladder's rung: to the patient in the call (numbered), and to the listeners. */
    void doctorQuality(Room room, SignalRequest.Quality quality) {
        Optional<Room.Link> patient = room.callee();
        if (patient.isEmpty()) {
            refuse(SignalError.NOT_IN_CALL, "nobody is in the call");
            return;
        }
        patient.get().send(seq -> new SignalEvent.Quality(seq, Participant.Role.DOCTOR, quality.rung(),
                quality.reason(), quality.pinned()));
        LOG.info("[{}] Consultation {}: rung {}{} ({})", peer.id(), room.id(), quality.rung().wire(),
                quality.pinned() ? ", pinned" : "", quality.reason());
        service.rungChanged(new RungChange(room.id(), Participant.Role.DOCTOR, quality.rung(), quality.reason(),
                quality.pinned(), service.clock.instant()));
    }

    private boolean admissible(SignalRequest.Chat chat) {
        if (chat.text().length() > SignalRequest.MAX_CHAT_CHARS) {
            refuse(SignalError.CHAT_TOO_LONG, "at most " + SignalRequest.MAX_CHAT_CHARS + " characters");
            return false;
        }
        if (!chatRate.tryAcquire()) {
            refuse(SignalError.CHAT_RATE_LIMITED, "at most " + CHAT_BURST + " lines at once, then "
                    + CHAT_PER_SECOND + " a second");
            return false;
        }
        return true;
    }

    private void deliver(Optional<Peer> to, SignalEvent.Chat event) {
        if (to.isEmpty()) {
            refuse(SignalError.NOT_DELIVERED, "the other participant is not connected");
            return;
        }
        to.get().send(event);
    }

    private void refuse(SignalError error, String message) {
        peer.send(new SignalEvent.Error(error.code(), message));
    }

    /** The listeners of one service. */
    static final class Listeners {
        private final List<RungListener> listeners = new CopyOnWriteArrayList<>();

        void add(RungListener listener) {
            listeners.add(listener);
        }

        void tell(RungChange change) {
            for (RungListener listener : listeners) {
                try {
                    listener.rungChanged(change);
                } catch (RuntimeException e) {
                    LOG.warn("Rung listener failed for consultation {}", change.consultation(), e);
                }
            }
        }
    }
}
