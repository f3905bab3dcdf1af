package org.telekiosk.broker.consultation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telekiosk.broker.consultation.ConsultationTestKit.caller;
import static org.telekiosk.broker.testing.Outcomes.done;
import static org.telekiosk.broker.testing.Outcomes.refusal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.broker.request.Refusal;

class ConsultationLifecycleTest {
    final ConsultationTestKit kit = new ConsultationTestKit();

    @Test
    void aConsultationGoesFromScheduledThroughWaitingAndInCallToEnded() {
        Consultation consultation = kit.patientConsultation(kit.doctor);
        assertEquals(ConsultationState.SCHEDULED, consultation.state());
        Joined patient = kit.waitingPatient(consultation);
        assertEquals(ConsultationState.WAITING, kit.state(consultation));
        done(kit.waitingRoom.admit(kit.doctor, consultation.id(), patient.participant()));
        assertEquals(ConsultationState.IN_CALL, kit.state(consultation));
        Consultation ended = done(kit.consultations.end(kit.doctor, consultation.id()));
        assertEquals(ConsultationState.ENDED, ended.state());
        assertEquals(Optional.of(kit.clock.instant()), ended.endedAt());
    }

    @ParameterizedTest
    @EnumSource(value = ConsultationState.class, names = {"SCHEDULED", "WAITING", "IN_CALL"})
    void theDoctorMayEndTheConsultationFromAnyOpenState(ConsultationState state) {
        Consultation consultation = kit.patientConsultation(kit.doctor);
        if (state != ConsultationState.SCHEDULED) {
            Joined patient = kit.waitingPatient(consultation);
            if (state == ConsultationState.IN_CALL) {
                done(kit.waitingRoom.admit(kit.doctor, consultation.id(), patient.participant()));
            }
        }
        assertEquals(state, kit.state(consultation));
        assertEquals(ConsultationState.ENDED, done(kit.consultations.end(kit.doctor, consultation.id())).state());
    }

    @Test
    void endingReleasesEverySeatAndRevokesEveryUnusedCode() {
        Consultation consultation = kit.patientConsultation(kit.doctor);
        Joined patient = kit.waitingPatient(consultation);
        IssuedCode unused = kit.issue(kit.doctor, consultation);
        done(kit.consultations.end(kit.doctor, consultation.id()));
        assertEquals(new Refusal.SeatReleased(), refusal(kit.waitingRoom.leave(caller(patient))));
        assertEquals(new Refusal.InvalidCode(), refusal(kit.codes.redeem(unused.code().formatted(),
                ConsultationTestKit.KIOSK_ADDRESS, Optional.empty())));
    }

    @Test
    void everyActionOnAnEndedConsultationIsAnIllegalTransition() {
        Consultation consultation = kit.patientConsultation(kit.doctor);
        done(kit.consultations.end(kit.doctor, consultation.id()));
        assertEquals(new Refusal.IllegalTransition(ConsultationState.ENDED, ConsultationAction.END),
                refusal(kit.consultations.end(kit.doctor, consultation.id())));
        assertEquals(new Refusal.IllegalTransition(ConsultationState.ENDED, ConsultationAction.ISSUE_CODE),
                refusal(kit.codes.issue(kit.doctor, consultation.id())));
        assertEquals(new Refusal.IllegalTransition(ConsultationState.ENDED, ConsultationAction.ADMIT),
                refusal(kit.waitingRoom.admit(kit.doctor, consultation.id(), ParticipantId.random())));
    }

    @Test
    void admittingWithNobodyWaitingOrWhileSomeoneIsInTheCallIsAnIllegalTransition() {
        Consultation consultation = kit.patientConsultation(kit.doctor);
        assertEquals(new Refusal.IllegalTransition(ConsultationState.SCHEDULED, ConsultationAction.ADMIT),
                refusal(kit.waitingRoom.admit(kit.doctor, consultation.id(), ParticipantId.random())));
        Joined first = kit.waitingPatient(consultation);
        Joined second = kit.waitingPatient(consultation);
        done(kit.waitingRoom.admit(kit.doctor, consultation.id(), first.participant()));
        assertEquals(new Refusal.IllegalTransition(ConsultationState.IN_CALL, ConsultationAction.ADMIT),
                refusal(kit.waitingRoom.admit(kit.doctor, consultation.id(), second.participant())));
    }

    @Test
    void theStateTableAllowsExactlyTheTransitionsOfTheIssue() {
        List<String> allowed = new java.util.ArrayList<>();
        for (ConsultationState from : ConsultationState.values()) {
            for (ConsultationState to : ConsultationState.values()) {
                if (from.canMoveTo(to)) {
                    allowed.add(from + "->" + to);
                }
            }
        }
        assertEquals(List.of("SCHEDULED->WAITING", "SCHEDULED->ENDED", "WAITING->SCHEDULED", "WAITING->IN_CALL",
                "WAITING->ENDED", "IN_CALL->SCHEDULED", "IN_CALL->WAITING", "IN_CALL->ENDED"), allowed);
        for (ConsultationAction action : ConsultationAction.values()) {
            assertFalse(ConsultationState.ENDED.permits(action), "ENDED permits nothing");
        }
        assertTrue(ConsultationState.WAITING.permits(ConsultationAction.ADMIT));
        assertFalse(ConsultationState.SCHEDULED.permits(ConsultationAction.ADMIT));
    }

    @Test
    void whenThePatientInTheCallLeavesTheNextWaitingPatientCanBeAdmitted() {
        Consultation consultation = kit.patientConsultation(kit.doctor);
        Joined first = kit.waitingPatient(consultation);
        Joined second = kit.waitingPatient(consultation);
        done(kit.waitingRoom.admit(kit.doctor, consultation.id(), first.participant()));
        assertEquals(ConsultationState.WAITING, done(kit.waitingRoom.leave(caller(first))));
        done(kit.waitingRoom.admit(kit.doctor, consultation.id(), second.participant()));
        assertEquals(ConsultationState.SCHEDULED, done(kit.waitingRoom.leave(caller(second))));
    }

    @Test
    void accessLastsTwentyFourHoursByDefaultAndNeverMoreThanThirtyDays() {
        Consultation consultation = kit.patientConsultation(kit.doctor);
        assertEquals(kit.clock.instant().plus(Duration.ofHours(24)), consultation.accessUntil());
        Outcome<Consultation> month = kit.consultations.create(kit.doctor,
                new ConsultationTarget.Patient(Optional.empty()), Optional.of(Duration.ofDays(30)));
        assertEquals(kit.clock.instant().plus(Duration.ofDays(30)), done(month).accessUntil());
        assertEquals(Refusal.InvalidRequest.class, refusal(kit.consultations.create(kit.doctor,
                new ConsultationTarget.Patient(Optional.empty()), Optional.of(Duration.ofDays(31)))).getClass());
    }

    @Test
    void afterTheAccessWindowPatientsAreRefusedAndTheSweepEndsTheConsultation() {
        Consultation consultation = kit.patientConsultation(kit.doctor);
        Joined patient = kit.waitingPatient(consultation);
        kit.clock.advance(Duration.ofHours(24));
        assertEquals(new Refusal.AccessExpired(),
                refusal(kit.waitingRoom.admit(kit.doctor, consultation.id(), patient.participant())));
        assertEquals(new Refusal.AccessExpired(), refusal(kit.codes.issue(kit.doctor, consultation.id())));
        assertEquals(1, kit.consultations.endExpired());
        assertEquals(ConsultationState.ENDED, kit.state(consultation));
        assertEquals(0, kit.consultations.endExpired());
    }

    @Test
    void aDoctorListsOnlyTheirOwnConsultations() {
        Consultation mine = kit.patientConsultation(kit.doctor);
        kit.patientConsultation(kit.otherDoctor);
        assertEquals(List.of(mine), done(kit.consultations.listMine(kit.doctor)));
    }

    @Test
    void invalidPolicyValuesAreRefusedWithTheKeyName() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ConsultationPolicy(Duration.ofDays(31), Duration.ofHours(1), Duration.ofSeconds(60)));
        assertTrue(e.getMessage().contains("accessWindow"), e.getMessage());
    }
}
