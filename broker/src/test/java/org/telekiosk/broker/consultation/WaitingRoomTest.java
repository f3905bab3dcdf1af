package org.telekiosk.broker.consultation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telekiosk.broker.consultation.ConsultationTestKit.KIOSK;
import static org.telekiosk.broker.consultation.ConsultationTestKit.caller;
import static org.telekiosk.broker.testing.Outcomes.done;
import static org.telekiosk.broker.testing.Outcomes.refusal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.account.ClientAddress;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.protocol.KioskId;

class WaitingRoomTest {
    final ConsultationTestKit kit = new ConsultationTestKit();

    @Test
    void theDoctorSeesEachWaitingPatientWithTheReadinessTheirKioskReported() {
        Consultation consultation = kit.patientConsultation(kit.doctor);
        Joined patient = kit.waitingPatient(consultation);
        kit.clock.advance(Duration.ofSeconds(5));
        DeviceReadiness ready = new DeviceReadiness(true, true, OptionalInt.of(84));
        assertEquals(ready, done(kit.waitingRoom.reportReadiness(caller(patient), ready)));
        List<WaitingListEntry> waiting = done(kit.waitingRoom.waitingList(kit.doctor, consultation.id()));
        assertEquals(List.of(new WaitingListEntry(patient.participant(), DisplayName.of("Frau Koch"), Optional.empty(),
                kit.clock.instant().minusSeconds(5), ready, true)), waiting);
    }

    @Test
    void aPatientWhoHasReportedNothingShowsUnknownReadiness() {
        Consultation consultation = kit.patientConsultation(kit.doctor);
        kit.waitingPatient(consultation);
        assertEquals(DeviceReadiness.UNKNOWN,
                done(kit.waitingRoom.waitingList(kit.doctor, consultation.id())).getFirst().readiness());
    }

    @Test
    void theWaitingListIsFirstComeFirstAndAdmittedPatientsLeaveIt() {
        Consultation consultation = kit.patientConsultation(kit.doctor);
        Joined first = kit.redeem(kit.issue(kit.doctor, consultation));
        kit.clock.advance(Duration.ofSeconds(1));
        Joined second = kit.redeem(kit.issue(kit.doctor, consultation));
        assertEquals(List.of(first.participant(), second.participant()), waitingIds(consultation));
        done(kit.waitingRoom.admit(kit.doctor, consultation.id(), first.participant()));
        assertEquals(List.of(second.participant()), waitingIds(consultation));
    }

    @Test
    void everyoneInTheCallIsListedByRoleAndNameForTheDoctorAndTheAdmittedPatient() {
        Consultation consultation = kit.patientConsultation(kit.doctor);
        Joined patient = kit.waitingPatient(consultation);
        Joined waiting = kit.waitingPatient(consultation);
        assertEquals(List.of(new CallMember(CallMember.Role.DOCTOR, DisplayName.of("Dr. Anna Weber"))),
                done(kit.waitingRoom.participants(kit.doctor, consultation.id())),
                "the doctor is in their call before anyone is admitted");
        done(kit.waitingRoom.admit(kit.doctor, consultation.id(), patient.participant()));
        List<CallMember> expected = List.of(
                new CallMember(CallMember.Role.DOCTOR, DisplayName.of("Dr. Anna Weber")),
                new CallMember(CallMember.Role.PATIENT, DisplayName.of("Frau Koch")));
        assertEquals(expected, done(kit.waitingRoom.participants(kit.doctor, consultation.id())));
        assertEquals(expected, done(kit.waitingRoom.participants(caller(patient), consultation.id())));
        assertEquals(new Refusal.Forbidden(),
                refusal(kit.waitingRoom.participants(caller(waiting), consultation.id())),
                "a patient still waiting does not see who is in the call");
    }

    @Test
    void admittingAParticipantOfAnotherConsultationOrAnUnknownOneIsNotFound() {
        Consultation consultation = kit.patientConsultation(kit.doctor);
        kit.waitingPatient(consultation);
        Consultation second = kit.patientConsultation(kit.doctor);
        Joined elsewhere = kit.waitingPatient(second);
        assertEquals(new Refusal.NotFound(),
                refusal(kit.waitingRoom.admit(kit.doctor, consultation.id(), elsewhere.participant())));
        assertEquals(new Refusal.NotFound(),
                refusal(kit.waitingRoom.admit(kit.doctor, consultation.id(), ParticipantId.random())));
    }

    @Test
    void theRoomsKioskCallsInThePatientInFrontOfIt() {
        Consultation room = kit.roomConsultation(kit.doctor);
        Joined joined = done(kit.waitingRoom.callIn(new Caller.Kiosk(KIOSK), Optional.of(DisplayName.of("Herr B."))));
        assertEquals(room.id(), joined.consultation());
        WaitingListEntry waiting = done(kit.waitingRoom.waitingList(kit.doctor, room.id())).getFirst();
        assertEquals(Optional.of(KIOSK), waiting.kiosk());
        assertEquals(DisplayName.of("Herr B."), waiting.name());
        assertEquals(new Refusal.NotFound(),
                refusal(kit.waitingRoom.callIn(new Caller.Kiosk(KioskId.of("wmk-lab-99")), Optional.empty())),
                "a kiosk without an open room consultation is called in nowhere");
    }

    @Test
    void aRoomWhoseAccessWindowClosedCallsNobodyIn() {
        kit.roomConsultation(kit.doctor);
        kit.clock.advance(Duration.ofHours(24));
        assertEquals(new Refusal.NotFound(), refusal(kit.waitingRoom.callIn(new Caller.Kiosk(KIOSK), Optional.empty())));
    }

    @Test
    void theDoctorIsNeverLockedOutOfTheirOwnWaitingRoom() {
        Consultation consultation = kit.patientConsultation(kit.doctor);
        Joined patient = kit.waitingPatient(consultation);
        // Code guessing from the practice's own address, a patient's dropped connection, and a new login (a new
        // Caller for the same account) change nothing for the doctor.
        ClientAddress practice = ClientAddress.parse("192.0.2.10");
        for (int i = 0; i < 30; i++) {
            kit.codes.redeem("ZZZ-ZZZ-ZZZ", practice, Optional.empty());
        }
        kit.reconnects.disconnected(patient.participant());
        Caller.Staff sameDoctorNewSession = new Caller.Staff(kit.doctor.account());
        assertEquals(1, done(kit.waitingRoom.waitingList(sameDoctorNewSession, consultation.id())).size());
        done(kit.waitingRoom.admit(sameDoctorNewSession, consultation.id(), patient.participant()));
        done(kit.consultations.end(kit.doctor, consultation.id()));
    }

    @Test
    void aDisconnectedPatientStaysOnTheListMarkedNotConnected() {
        Consultation consultation = kit.patientConsultation(kit.doctor);
        Joined patient = kit.waitingPatient(consultation);
        kit.reconnects.disconnected(patient.participant());
        assertTrue(!done(kit.waitingRoom.waitingList(kit.doctor, consultation.id())).getFirst().connected());
    }

    private List<ParticipantId> waitingIds(Consultation consultation) {
        return done(kit.waitingRoom.waitingList(kit.doctor, consultation.id())).stream()
                .map(WaitingListEntry::participant).toList();
    }
}
