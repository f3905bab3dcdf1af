package org.telekiosk.broker.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telekiosk.broker.signaling.SignalingKit.codeHello;
import static org.telekiosk.broker.signaling.SignalingKit.doctorHello;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.consultation.ConsultationState;
import org.telekiosk.broker.testing.Outcomes;
import org.telekiosk.protocol.signaling.CloseCodes;
import org.telekiosk.protocol.signaling.Credential;
import org.telekiosk.protocol.signaling.SignalEvent;
import org.telekiosk.protocol.signaling.SignalRequest;

/**
 * Ending a consultation means the same whatever ends it (issue 12): its doctor over REST (what
 * {@code POST /api/v1/consultations/{id}/end} calls) or with the signaling {@code end}, or the purge once the access
 * window has closed. Every participant on a socket gets {@code ended} with the reason and close 1000, nothing is
 * relayed afterwards, seats are released, and other consultations carry on.
 */
class ConsultationEndSignalingTest {
    private final SignalingKit kit = new SignalingKit();
    private final Consultation consultation = kit.consultation(kit.doctor);

    /** The doctor, an admitted patient, a patient still waiting, and a patient whose socket dropped (within grace). */
    private final class Everyone {
        final FakePeer doctorPeer = peer();
        final Connection doctor = kit.service.connect(doctorPeer);
        final FakePeer inCallPeer = peer();
        final Connection inCall = kit.service.connect(inCallPeer);
        final FakePeer waitingPeer = peer();
        final Connection waiting = kit.service.connect(waitingPeer);
        final FakePeer droppedPeer = peer();
        final SignalEvent.Welcome inCallWelcome;
        final SignalEvent.Welcome droppedWelcome;

        Everyone() {
            doctor.receive(doctorHello(kit.doctor, consultation));
            inCall.receive(codeHello(kit.code(kit.doctor, consultation)));
            inCallWelcome = inCallPeer.last(SignalEvent.Welcome.class);
            doctor.receive(new SignalRequest.Admit(inCallWelcome.participant()));
            waiting.receive(codeHello(kit.code(kit.doctor, consultation)));
            Connection dropped = kit.service.connect(droppedPeer);
            dropped.receive(codeHello(kit.code(kit.doctor, consultation)));
            droppedWelcome = droppedPeer.last(SignalEvent.Welcome.class);
            dropped.closed();
            doctor.receive(new SignalRequest.Offer("v=0 first"));
            assertEquals(1, inCallPeer.all(SignalEvent.Offer.class).size());
            assertEquals(ConsultationState.IN_CALL, state());
        }

        void assertEndedEverywhere(String reason, int roomsLeft) {
            for (FakePeer open : List.of(doctorPeer, inCallPeer, waitingPeer)) {
                assertEquals(reason, open.last(SignalEvent.Ended.class).reason(), open.id() + " is told why");
                assertEquals(CloseCodes.NORMAL, open.closeCode(), open.id() + " is closed with 1000");
            }
            assertEquals(ConsultationState.ENDED, state());
            assertEquals(roomsLeft, kit.service.roomCount(), "the room is gone, the others' stay");

            int errors = doctorPeer.all(SignalEvent.Error.class).size();
            doctor.receive(new SignalRequest.Offer("v=0 after the end"));
            assertEquals(1, inCallPeer.all(SignalEvent.Offer.class).size(), "nothing is relayed after the end");
            doctor.receive(new SignalRequest.End());
            assertEquals(errors, doctorPeer.all(SignalEvent.Error.class).size(),
                    "a closed socket's messages are not handled (no illegal-transition)");

            FakePeer resume = peer();
            kit.service.connect(resume).receive(new SignalRequest.Hello(1,
                    new Credential.Resume(droppedWelcome.resumeToken(), 0)));
            assertEquals("seat-released", resume.last(SignalEvent.Error.class).code(),
                    "the dropped patient's seat is released: no resume into an ended consultation");
            assertEquals(CloseCodes.GONE, resume.closeCode());
        }
    }

    private ConsultationState state() {
        return Outcomes.done(kit.consultations.get(kit.doctor.caller(), consultation.id())).state();
    }

    private static FakePeer peer() {
        return new FakePeer(SignalingKit.PATIENT_ADDRESS, Optional.empty());
    }

    /** A doctor with a patient in the call in another consultation: untouched by this one's end. */
    private Consumer<String> bystanders() {
        Consultation other = kit.consultation(kit.otherDoctor);
        FakePeer doctorPeer = peer();
        Connection doctor = kit.service.connect(doctorPeer);
        doctor.receive(doctorHello(kit.otherDoctor, other));
        FakePeer patientPeer = peer();
        Connection patient = kit.service.connect(patientPeer);
        patient.receive(codeHello(Outcomes.done(kit.codes.issue(kit.otherDoctor.caller(), other.id())).code()
                .formatted()));
        doctor.receive(new SignalRequest.Admit(patientPeer.last(SignalEvent.Welcome.class).participant()));
        return label -> {
            doctor.receive(new SignalRequest.Offer("v=0 " + label));
            assertEquals("v=0 " + label, patientPeer.last(SignalEvent.Offer.class).sdp());
            assertTrue(patientPeer.all(SignalEvent.Ended.class).isEmpty() && patientPeer.closeCode() == 0
                    && doctorPeer.closeCode() == 0, "another consultation carries on");
        };
    }

    @Test
    void endingOverRestEndsTheCallForEveryParticipant() {
        Everyone everyone = new Everyone();
        Consumer<String> others = bystanders();
        Outcomes.done(kit.consultations.end(kit.doctor.caller(), consultation.id()));
        everyone.assertEndedEverywhere("ended-by-doctor", 1);
        others.accept("after a REST end elsewhere");
    }

    @Test
    void endingOverSignalingEndsTheCallForEveryParticipant() {
        Everyone everyone = new Everyone();
        Consumer<String> others = bystanders();
        everyone.doctor.receive(new SignalRequest.End());
        assertTrue(everyone.doctorPeer.all(SignalEvent.Error.class).isEmpty());
        everyone.assertEndedEverywhere("ended-by-doctor", 1);
        others.accept("after a signaling end elsewhere");
    }

    @Test
    void theAccessWindowClosingEndsTheCallAtThePurgeForEveryParticipant() {
        Everyone everyone = new Everyone();
        kit.clock.advance(kit.policy.accessWindow().minusSeconds(1));
        assertEquals(0, kit.consultations.endExpired(), "open until its window closes");
        assertEquals(0, everyone.doctorPeer.closeCode());
        kit.clock.advance(Duration.ofSeconds(1));
        assertEquals(1, kit.consultations.endExpired());
        everyone.assertEndedEverywhere("access-expired", 0);
    }

    @Test
    void aConsultationEndedWhileItsDoctorIsAwayStillEndsItsPatientsSockets() {
        Everyone everyone = new Everyone();
        everyone.doctor.closed();
        Outcomes.done(kit.consultations.end(kit.doctor.caller(), consultation.id()));
        assertEquals("ended-by-doctor", everyone.inCallPeer.last(SignalEvent.Ended.class).reason());
        assertEquals(CloseCodes.NORMAL, everyone.inCallPeer.closeCode());
        assertEquals(CloseCodes.NORMAL, everyone.waitingPeer.closeCode());
        assertEquals(0, kit.service.roomCount());
    }
}
