package org.telekiosk.broker.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telekiosk.broker.signaling.SignalingKit.codeHello;
import static org.telekiosk.broker.signaling.SignalingKit.doctorHello;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.turn.IceConfig;
import org.telekiosk.broker.turn.IceServers;
import org.telekiosk.protocol.signaling.CloseCodes;
import org.telekiosk.protocol.signaling.Credential;
import org.telekiosk.protocol.signaling.SignalEvent;
import org.telekiosk.protocol.signaling.SignalRequest;

/**
 * A room rebuilt on a node that never held it (issue 17: its home died, or this node restarted): the seats in the
 * database say who is in the call, the room in memory knows nothing. A second {@link SignalingService} over the same
 * repositories stands for that node.
 */
class RoomRebuildSignalingTest {
    private final SignalingKit kit = new SignalingKit();
    private final Consultation consultation = kit.consultation(kit.doctor);
    /** The node that rebuilds the room: the kit's services and repositories, a fresh signaling service. */
    private final SignalingService rebuilt = new SignalingService(kit.sessions, kit.consultations, kit.waitingRoom,
            kit.codes, kit.reconnects, new IceServers(new IceConfig(List.of("stun:stun.example:3478"), List.of(),
                    "all", Duration.ofHours(1), Optional.empty()), Optional.empty(), kit.clock), kit.policy,
            SignalingConfig.DEFAULT, kit.clock);

    private static FakePeer peer() {
        return new FakePeer(SignalingKit.PATIENT_ADDRESS, Optional.empty());
    }

    /** The first node's sockets: the doctor's and the patient's. */
    private final FakePeer firstDoctor = peer();
    private final FakePeer firstPatient = peer();
    private Connection firstPatientConnection;

    /** The doctor and the admitted patient on the kit's service; returns the patient's welcome. */
    private SignalEvent.Welcome inCallOnTheFirstNode() {
        FakePeer doctor = firstDoctor;
        Connection doctorConnection = kit.service.connect(doctor);
        doctorConnection.receive(doctorHello(kit.doctor, consultation));
        FakePeer patient = firstPatient;
        firstPatientConnection = kit.service.connect(patient);
        firstPatientConnection.receive(codeHello(kit.code(kit.doctor, consultation)));
        SignalEvent.Welcome welcome = patient.last(SignalEvent.Welcome.class);
        doctorConnection.receive(new SignalRequest.Admit(welcome.participant()));
        patient.last(SignalEvent.Admitted.class);
        return welcome; // the first node dies here: nothing of it is told to the second
    }

    private Connection resumeOnTheRebuiltNode(FakePeer back, SignalEvent.Welcome before) {
        Connection patient = rebuilt.connect(back);
        patient.receive(new SignalRequest.Hello(1, new Credential.Resume(before.resumeToken(), 5)));
        assertEquals(SignalEvent.SeatStatus.IN_CALL, back.last(SignalEvent.Welcome.class).status());
        back.last(SignalEvent.Admitted.class);
        return patient;
    }

    @Test
    void aPatientWhoResumesInTheCallIntoARebuiltRoomIsInTheCallThereWithoutReadmission() {
        SignalEvent.Welcome before = inCallOnTheFirstNode();

        FakePeer back = peer();
        Connection patient = resumeOnTheRebuiltNode(back, before);
        FakePeer doctor = peer();
        Connection doctorConnection = rebuilt.connect(doctor);
        doctorConnection.receive(doctorHello(kit.doctor, consultation));

        assertEquals(SignalEvent.SeatStatus.IN_CALL, doctor.last(SignalEvent.Welcome.class).status());
        doctor.last(SignalEvent.Admitted.class);
        doctorConnection.receive(new SignalRequest.Offer("v=0 after the rebuild"));
        assertEquals("v=0 after the rebuild", back.last(SignalEvent.Offer.class).sdp());
        patient.receive(new SignalRequest.Answer("v=0 answer"));
        assertEquals("v=0 answer", doctor.last(SignalEvent.Answer.class).sdp());
        assertTrue(doctor.all(SignalEvent.Error.class).isEmpty(), doctor.events().toString());
        assertTrue(back.all(SignalEvent.Error.class).isEmpty(), back.events().toString());
    }

    @Test
    void aDoctorWhoCameFirstIsToldToRestartIceWhenThePatientResumesIntoTheRebuiltRoom() {
        SignalEvent.Welcome before = inCallOnTheFirstNode();

        FakePeer doctor = peer();
        Connection doctorConnection = rebuilt.connect(doctor);
        doctorConnection.receive(doctorHello(kit.doctor, consultation));
        assertEquals(SignalEvent.SeatStatus.WAITING, doctor.last(SignalEvent.Welcome.class).status());
        FakePeer back = peer();
        Connection patient = resumeOnTheRebuiltNode(back, before);

        doctor.last(SignalEvent.IceRestart.class);
        doctorConnection.receive(new SignalRequest.Offer("v=0 restart"));
        assertEquals("v=0 restart", back.last(SignalEvent.Offer.class).sdp());
        patient.receive(new SignalRequest.Answer("v=0 answer"));
        assertEquals("v=0 answer", doctor.last(SignalEvent.Answer.class).sdp());
    }

    @Test
    void aDrainingNodeHandsItsRoomOverSoThatBothResumeElsewhereAndItsLateClosesChangeNothing() {
        SignalEvent.Welcome before = inCallOnTheFirstNode();

        assertEquals(1, kit.service.handOver());
        assertEquals(CloseCodes.SERVICE_RESTART, firstDoctor.closeCode());
        assertEquals(CloseCodes.SERVICE_RESTART, firstPatient.closeCode());
        assertTrue(seatDropped(before), "marked dropped by the draining node, before the close");
        FakePeer late = peer();
        kit.service.connect(late).receive(doctorHello(kit.doctor, consultation));
        assertEquals(CloseCodes.SERVICE_RESTART, late.closeCode(), "a hello on the draining node: try another");
        assertTrue(late.all(SignalEvent.Welcome.class).isEmpty());

        FakePeer back = peer();
        resumeOnTheRebuiltNode(back, before);
        assertFalse(seatDropped(before), "the resume took the seat back");
        // The draining node's transport reports the old socket closed only now: the seat stays the resumed one's.
        firstPatientConnection.closed();
        assertFalse(seatDropped(before), "a late close on the drained node does not drop the resumed seat");
        FakePeer doctor = peer();
        rebuilt.connect(doctor).receive(doctorHello(kit.doctor, consultation));
        assertEquals(SignalEvent.SeatStatus.IN_CALL, doctor.last(SignalEvent.Welcome.class).status());
    }

    private boolean seatDropped(SignalEvent.Welcome welcome) {
        return kit.seats.find(new org.telekiosk.broker.request.ParticipantId(
                java.util.UUID.fromString(welcome.participant()))).orElseThrow().disconnectedAt().isPresent();
    }
}
