package org.telekiosk.broker.consultation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.telekiosk.broker.account.AccountId;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.protocol.KioskId;

/**
 * Where consultations live. Plain records in and out, so that a SQL-backed implementation (SQLite/PostgreSQL, in
 * the same database as the measurement store) is a table {@code consultation(id, doctor_id, kiosk_id null, patient_name null,
 * state, created_at, access_until, ended_at null)}. Implementations are thread-safe; read-modify-write sequences are
 * serialised by the services through {@link ConsultationLocks}.
 */
public interface ConsultationRepository {
    void insert(Consultation consultation);

    Optional<Consultation> find(ConsultationId id);

    /** Replaces the stored consultation with the same id. */
    void update(Consultation consultation);

    /** The consultations of {@code doctor}, newest first. */
    List<Consultation> listOf(AccountId doctor);

    /** The not-ended room consultations of {@code kiosk} whose access window is still open at {@code now}. */
    List<Consultation> openRoomsOf(KioskId kiosk, Instant now);

    /** The not-ended consultations whose access window closed at or before {@code now}. */
    List<Consultation> openButExpired(Instant now);

    /** Records that the participant of {@code seat} was admitted into the call at {@code at}. */
    void callStarted(Seat seat, Instant at);

    /**
     * Records that a participant's time in the call ended at {@code at}: one participant, or every one still in the
     * call when {@code participant} is empty (the consultation ends). A period that has ended already is kept.
     */
    void callEnded(ConsultationId consultation, Optional<ParticipantId> participant, Instant at);

    /** Every period a patient spent in the consultation's call, first admitted first. */
    List<CallPeriod> calls(ConsultationId consultation);

    /** The periods of patients at {@code kiosk} who are in a call now (of any consultation), first admitted first. */
    List<CallPeriod> openCallsAt(KioskId kiosk);
}
