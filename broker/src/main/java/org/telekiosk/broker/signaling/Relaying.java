package org.telekiosk.broker.signaling;

import org.telekiosk.broker.consultation.Joined;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.broker.account.SecretHash;

/**
 * How the signaling service reaches rooms held by other broker nodes (issue 17). {@link #LOCAL}, the single-node
 * default, holds every room here and costs nothing; {@link NodeRelay} relays through the shared PostgreSQL.
 */
interface Relaying {
    /** Every room is on this node. */
    Relaying LOCAL = new Relaying() {};

    /**
     * A doctor's {@code hello} passed on this node: if {@code consultation}'s room is on another node, relays the
     * connection there and returns true. Blocking (the database).
     */
    default boolean doctorElsewhere(Connection connection, ConsultationId consultation, SecretHash session) {
        return false;
    }

    /** As {@link #doctorElsewhere} for a patient whose join, call-in or resume succeeded here. */
    default boolean patientElsewhere(Connection connection, Joined joined, long lastSeen, boolean resumed) {
        return false;
    }

    /** The patient's socket is on this node now (their seat carries the node). Blocking. */
    default void seatHeld(ParticipantId participant) {}

    /** This node forgot {@code consultation}'s room; called with the room's monitor held. Blocking. */
    default void released(ConsultationId consultation) {}

    /** {@code consultation} ended and has no room here: tells the node holding it, if any. Never blocks. */
    default void endElsewhere(ConsultationId consultation, String reason) {}
}
