package org.telekiosk.broker.signaling;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.consultation.ConsultationId;
import org.telekiosk.broker.consultation.ParticipantId;

/**
 * The signaling state of one consultation on this node: the doctor's connection, each seated patient's connection
 * and outbox, who is in the call, and where the offer/answer exchange stands. Every field is guarded by the room's
 * monitor.
 */
final class Room {
    /** One seated patient: their outbox outlives their connections within the grace period. */
    static final class Link {
        final ParticipantId participant;
        final Outbox outbox;
        Connection connection;
        Optional<Instant> droppedAt = Optional.empty();

        Link(ParticipantId participant, Outbox outbox) {
            this.participant = participant;
            this.outbox = outbox;
        }
    }

    final ConsultationId id;
    final Outbox doctorOutbox;
    Connection doctor;
    /** The doctor's account as last authenticated; lets the room read the waiting list when seats change. */
    Account doctorAccount;
    final Map<ParticipantId, Link> patients = new LinkedHashMap<>();
    ParticipantId inCall;
    boolean offerSeen;
    boolean awaitingAnswer;

    Room(ConsultationId id, int replayEvents) {
        this.id = id;
        this.doctorOutbox = new Outbox(replayEvents);
    }

    Link link(ParticipantId participant, int replayEvents) {
        return patients.computeIfAbsent(participant, p -> new Link(p, new Outbox(replayEvents)));
    }

    void resetNegotiation() {
        offerSeen = false;
        awaitingAnswer = false;
    }
}
