package org.telekiosk.broker.consultation;

import java.time.Instant;
import java.util.Optional;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.ParticipantId;

/**
 * Told when a patient enters or leaves a consultation's call, right after the store of record (table
 * {@code consultation_call}) has it: so that in-memory indexes (the vitals routing of {@code ViewerHub}) follow
 * admissions, departures and the end of a consultation without reading the database per reading. Called on the
 * thread that changed the call, under the consultation's lock: implementations must be quick and must not block.
 */
public interface CallWatcher {
    /** A patient was admitted into the call; {@code period.leftAt()} is empty. */
    void admitted(CallPeriod period);

    /**
     * A patient's time in the call ended at {@code at}: {@code participant}'s, or everyone's when it is empty (the
     * consultation ended). May name a participant who was not in the call; that changes nothing.
     */
    void left(ConsultationId consultation, Optional<ParticipantId> participant, Instant at);
}
