package org.telekiosk.broker.consultation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.telekiosk.broker.consultation.ConsultationTestKit.caller;
import static org.telekiosk.broker.testing.Outcomes.done;
import static org.telekiosk.broker.testing.Outcomes.refusal;

import java.security.SecureRandom;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.request.Refusal;

class ReconnectsTest {
    final ConsultationTestKit kit = new ConsultationTestKit();
    final Consultation consultation = kit.patientConsultation(kit.doctor);
    final Joined patient = kit.waitingPatient(consultation);

    @Test
    void aPatientInTheCallWhoseConnectionDropsResumesWithinTheGracePeriodStillInTheCall() {
        done(kit.waitingRoom.admit(kit.doctor, consultation.id(), patient.participant()));
        kit.reconnects.disconnected(patient.participant());
        kit.clock.advance(Duration.ofSeconds(59));
        assertEquals(0, kit.reconnects.releaseExpiredSeats());
        Resumed resumed = done(kit.reconnects.resume(patient.resumeToken(), 41));
        assertEquals(patient.participant(), resumed.seat().participant());
        assertEquals(Seat.Status.IN_CALL, resumed.seat().status(), "no re-admission");
        assertEquals(41, resumed.lastSeenMessage());
        assertEquals(ConsultationState.IN_CALL, kit.state(consultation));
    }

    @Test
    void aWaitingPatientKeepsTheirPlaceInTheQueueAcrossAResume() {
        Joined later = kit.waitingPatient(consultation);
        kit.reconnects.disconnected(patient.participant());
        kit.clock.advance(Duration.ofSeconds(30));
        done(kit.reconnects.resume(patient.resumeToken(), 0));
        assertEquals(patient.participant(),
                done(kit.waitingRoom.waitingList(kit.doctor, consultation.id())).getFirst().participant());
        assertNotEquals(later.participant(), patient.participant());
    }

    @Test
    void afterTheGracePeriodTheSeatIsReleasedAndTheResumeRefused() {
        done(kit.waitingRoom.admit(kit.doctor, consultation.id(), patient.participant()));
        kit.reconnects.disconnected(patient.participant());
        kit.clock.advance(Duration.ofSeconds(60));
        assertEquals(new Refusal.SeatReleased(), refusal(kit.reconnects.resume(patient.resumeToken(), 3)));
        assertEquals(ConsultationState.SCHEDULED, kit.state(consultation));
    }

    @Test
    void thePeriodicSweepReleasesSeatsPastTheirGracePeriod() {
        kit.reconnects.disconnected(patient.participant());
        kit.clock.advance(Duration.ofSeconds(61));
        assertEquals(1, kit.reconnects.releaseExpiredSeats());
        assertEquals(ConsultationState.SCHEDULED, kit.state(consultation));
        assertEquals(new Refusal.SeatReleased(), refusal(kit.reconnects.resume(patient.resumeToken(), 0)),
                "released by the sweep, still told seat-released (not an unknown token)");
    }

    @Test
    void aResumeTakesOverFromAConnectionTheBrokerStillThinksAlive() {
        Resumed resumed = done(kit.reconnects.resume(patient.resumeToken(), 0));
        assertEquals(patient.participant(), resumed.seat().participant());
    }

    @Test
    void eachResumeSpendsTheTokenAndIssuesANewOne() {
        Resumed first = done(kit.reconnects.resume(patient.resumeToken(), 0));
        assertEquals(new Refusal.NotAuthenticated(), refusal(kit.reconnects.resume(patient.resumeToken(), 0)));
        done(kit.reconnects.resume(first.seat().resumeToken(), 0));
    }

    @Test
    void aResumeResetsTheGracePeriodSoALaterDropStartsAFreshOne() {
        kit.reconnects.disconnected(patient.participant());
        kit.clock.advance(Duration.ofSeconds(50));
        Resumed resumed = done(kit.reconnects.resume(patient.resumeToken(), 0));
        kit.clock.advance(Duration.ofSeconds(50));
        kit.reconnects.disconnected(patient.participant());
        kit.clock.advance(Duration.ofSeconds(50));
        done(kit.reconnects.resume(resumed.seat().resumeToken(), 0));
    }

    @Test
    void anUnknownTokenANegativeMessageNumberAndAnEndedConsultationAreRefused() {
        assertEquals(new Refusal.NotAuthenticated(),
                refusal(kit.reconnects.resume(OpaqueToken.generate(new SecureRandom()), 0)));
        assertEquals(Refusal.InvalidRequest.class, refusal(kit.reconnects.resume(patient.resumeToken(), -1)).getClass());
        done(kit.consultations.end(kit.doctor, consultation.id()));
        assertEquals(new Refusal.SeatReleased(), refusal(kit.reconnects.resume(patient.resumeToken(), 0)),
                "ending released the seat");
    }

    @Test
    void aSeatIsNotKeptBeyondTheConsultationsAccessWindow() {
        kit.clock.advance(Duration.ofHours(24).minusSeconds(30));
        kit.reconnects.disconnected(patient.participant());
        kit.clock.advance(Duration.ofSeconds(30));
        assertEquals(new Refusal.AccessExpired(), refusal(kit.reconnects.resume(patient.resumeToken(), 0)),
                "still within the grace period, but the access window has closed");
    }

    @Test
    void thePatientLeavingReleasesTheSeatAtOnce() {
        assertEquals(ConsultationState.SCHEDULED, done(kit.waitingRoom.leave(caller(patient))));
        assertEquals(new Refusal.SeatReleased(), refusal(kit.reconnects.resume(patient.resumeToken(), 0)));
    }
}
