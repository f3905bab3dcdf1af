package org.telekiosk.broker.consultation;

import java.time.Instant;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.ParticipantId;

/**
 * Told when a patient's seat changes: taken (a code redeemed, a kiosk page called in), its connection dropped, resumed,
 * given up (left) or released by the broker (grace period over, consultation ended). Roles and times only: what the
 * consultation's record keeps. Called on the thread that changed the seat, under the consultation's lock, after the
 * change is stored: implementations must be quick and must not block.
 */
@FunctionalInterface
public interface SeatWatcher {
    /** What happened to the seat. */
    enum Change { JOINED, DROPPED, RESUMED, LEFT, RELEASED }

    void seatChanged(ConsultationId consultation, ParticipantId participant, Change change, Instant at);
}
