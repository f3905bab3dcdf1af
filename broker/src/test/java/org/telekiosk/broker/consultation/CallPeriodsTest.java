package org.telekiosk.broker.consultation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.telekiosk.broker.consultation.ConsultationTestKit.KIOSK;
import static org.telekiosk.broker.consultation.ConsultationTestKit.caller;
import static org.telekiosk.broker.testing.Outcomes.done;
import static org.telekiosk.broker.testing.Outcomes.refusal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.request.Refusal;

/** The periods patients spend in a call, which the FHIR export links readings by. */
class CallPeriodsTest {
    final ConsultationTestKit kit = new ConsultationTestKit();

    @Test
    void aPatientCalledInAtTheKioskIsInTheCallFromAdmissionUntilTheyLeave() {
        Consultation room = kit.roomConsultation(kit.doctor);
        Joined joined = done(kit.waitingRoom.callIn(new Caller.Kiosk(KIOSK), Optional.empty()));
        kit.clock.advance(Duration.ofSeconds(30));
        done(kit.waitingRoom.admit(kit.doctor, room.id(), joined.participant()));
        Instant admitted = kit.clock.instant();
        kit.clock.advance(Duration.ofMinutes(7));
        done(kit.waitingRoom.leave(caller(joined)));

        assertEquals(List.of(new CallPeriod(room.id(), joined.participant(), Optional.of(KIOSK), admitted,
                Optional.of(admitted.plus(Duration.ofMinutes(7))))), history(room).calls());
    }

    @Test
    void endingTheConsultationEndsTheOpenPeriodAndAPatientWhoOnlyWaitedHasNone() {
        Consultation consultation = kit.patientConsultation(kit.doctor);
        Joined first = kit.waitingPatient(consultation);
        kit.waitingPatient(consultation);
        done(kit.waitingRoom.admit(kit.doctor, consultation.id(), first.participant()));
        Instant admitted = kit.clock.instant();
        kit.clock.advance(Duration.ofMinutes(3));
        done(kit.consultations.end(kit.doctor, consultation.id()));

        // A patient who joined with a code in a browser sat at no kiosk: the period links no readings.
        assertEquals(List.of(new CallPeriod(consultation.id(), first.participant(), Optional.empty(), admitted,
                Optional.of(admitted.plus(Duration.ofMinutes(3))))), history(consultation).calls());
    }

    @Test
    void onlyTheConsultationsDoctorGetsTheHistoryAndEachExportIsAudited() {
        Consultation room = kit.roomConsultation(kit.doctor);

        assertInstanceOf(Refusal.NotFound.class, refusal(kit.consultations.exportHistory(kit.otherDoctor, room.id(),
                "FHIR")));
        assertInstanceOf(Refusal.Forbidden.class, refusal(kit.consultations.exportHistory(kit.technician, room.id(),
                "FHIR")));
        assertInstanceOf(Refusal.NotAuthenticated.class, refusal(kit.consultations.exportHistory(
                new Caller.Anonymous(), room.id(), "FHIR")));
        history(room);
        assertEquals(1, kit.audit.events().stream().filter(e -> e.action() == AuditAction.EXPORTED).count());
        assertTrue(kit.audit.events().stream().filter(e -> e.action() == AuditAction.EXPORTED)
                .allMatch(e -> e.consultation().equals(room.id().toString())), "audited with its consultation");
    }

    private CallHistory history(Consultation consultation) {
        return done(kit.consultations.exportHistory(kit.doctor, consultation.id(), "FHIR"));
    }
}
