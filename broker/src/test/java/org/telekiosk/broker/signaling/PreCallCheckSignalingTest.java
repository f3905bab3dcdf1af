package org.telekiosk.broker.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.signaling.CloseCodes;
import org.telekiosk.protocol.signaling.Credential;
import org.telekiosk.protocol.signaling.PreCallCheck;
import org.telekiosk.protocol.signaling.Readiness;
import org.telekiosk.protocol.signaling.SignalEvent;
import org.telekiosk.protocol.signaling.SignalRequest;
import org.telekiosk.protocol.signaling.WaitingPatient;

/**
 * The pre-call check's results on the signaling service (protocol version 2): a waiting patient's page sends
 * {@code check}, the doctor sees it in the waiting room; version 1 peers neither send nor see it.
 */
class PreCallCheckSignalingTest {
    private static final PreCallCheck GOOD = new PreCallCheck("picture", "heard", "heard", 120, 1_800);
    private final SignalingKit kit = new SignalingKit();
    private final Consultation consultation = kit.consultation(kit.doctor);
    private final FakePeer doctorPeer = peer();
    private final Connection doctor = kit.service.connect(doctorPeer);
    private final FakePeer patientPeer = peer();
    private final Connection patient = kit.service.connect(patientPeer);

    private static FakePeer peer() {
        return new FakePeer(SignalingKit.PATIENT_ADDRESS, Optional.empty());
    }

    private SignalRequest.Hello doctorHello(int version) {
        return new SignalRequest.Hello(version, new Credential.Session(kit.doctor.session().value(),
                consultation.id().toString()));
    }

    private SignalRequest.Hello patientHello(int version) {
        return new SignalRequest.Hello(version, new Credential.Code(kit.code(kit.doctor, consultation), ""));
    }

    private WaitingPatient waiting() {
        List<WaitingPatient> patients = doctorPeer.last(SignalEvent.WaitingRoom.class).patients();
        assertEquals(1, patients.size(), patients.toString());
        return patients.getFirst();
    }

    @Test
    void theDoctorSeesTheChecksResultsInTheWaitingRoomAndEachChange() {
        doctor.receive(doctorHello(2));
        assertEquals(2, doctorPeer.last(SignalEvent.Welcome.class).protocolVersion());
        patient.receive(patientHello(2));
        assertEquals(2, patientPeer.last(SignalEvent.Welcome.class).protocolVersion());
        assertEquals(PreCallCheck.NOT_REPORTED, waiting().check(), "nothing reported yet");

        patient.receive(new SignalRequest.Ready(new Readiness(true, true, 40)));
        patient.receive(new SignalRequest.Check(GOOD));
        assertEquals(GOOD, waiting().check());
        assertEquals(new Readiness(true, true, 40), waiting().readiness(), "the readiness stays beside it");

        int events = doctorPeer.all(SignalEvent.WaitingRoom.class).size();
        patient.receive(new SignalRequest.Check(GOOD));
        assertEquals(events, doctorPeer.all(SignalEvent.WaitingRoom.class).size(), "the same results again: no event");

        PreCallCheck again = new PreCallCheck("dark", "silent", "not-heard", -1, -1);
        patient.receive(new SignalRequest.Check(again));
        assertEquals(again, waiting().check(), "a check run again replaces the earlier one");
        patient.receive(new SignalRequest.Ready(new Readiness(false, false, 55)));
        assertEquals(again, waiting().check(), "a later ready keeps the check");
        assertEquals(0, patientPeer.all(SignalEvent.Error.class).size());
    }

    @Test
    void aDoctorWhoJoinsOrReconnectsLaterSeesTheCheckAlready() {
        patient.receive(patientHello(2));
        patient.receive(new SignalRequest.Check(GOOD));
        doctor.receive(doctorHello(2));
        assertEquals(GOOD, waiting().check());
    }

    @Test
    void theCheckOutlivesADropAndAResumedPageSendsItAgainWithoutANewEvent() {
        doctor.receive(doctorHello(2));
        patient.receive(patientHello(2));
        patient.receive(new SignalRequest.Check(GOOD));
        String token = patientPeer.last(SignalEvent.Welcome.class).resumeToken();
        patient.closed();
        assertFalse(waiting().connected());
        assertEquals(GOOD, waiting().check(), "kept with the seat while it is away");

        FakePeer resumedPeer = peer();
        Connection resumed = kit.service.connect(resumedPeer);
        resumed.receive(new SignalRequest.Hello(2, new Credential.Resume(token, 0)));
        assertTrue(waiting().connected());
        assertEquals(GOOD, waiting().check());
        int events = doctorPeer.all(SignalEvent.WaitingRoom.class).size();
        resumed.receive(new SignalRequest.Check(GOOD));
        assertEquals(events, doctorPeer.all(SignalEvent.WaitingRoom.class).size());
    }

    @Test
    void aVersion1DoctorGetsTheWaitingRoomWithoutTheCheckField() {
        doctor.receive(doctorHello(1));
        assertEquals(1, doctorPeer.last(SignalEvent.Welcome.class).protocolVersion());
        patient.receive(patientHello(2));
        patient.receive(new SignalRequest.Check(GOOD));
        WaitingPatient seen = waiting();
        assertNull(seen.check(), "the version 1 form");
        String json = WireCodec.json(65_536).encodeToString(doctorPeer.last(SignalEvent.WaitingRoom.class));
        assertFalse(json.contains("check"), json);
        assertTrue(json.contains("\"readiness\":"), json);
    }

    @Test
    void aVersion1PatientsCheckIsAnUnknownTypeAsAVersion1BrokerWouldSay() {
        doctor.receive(doctorHello(2));
        patient.receive(patientHello(1));
        assertEquals(1, patientPeer.last(SignalEvent.Welcome.class).protocolVersion());
        patient.receive(new SignalRequest.Check(GOOD));
        assertEquals("unknown-type", patientPeer.last(SignalEvent.Error.class).code());
        assertEquals(CloseCodes.INVALID_PAYLOAD, patientPeer.closeCode());
        assertEquals(PreCallCheck.NOT_REPORTED, waiting().check(), "nothing taken from it");
    }

    @Test
    void theDoctorMayNotReportACheckAndACheckBeforeHelloIsUnauthenticated() {
        doctor.receive(doctorHello(2));
        doctor.receive(new SignalRequest.Check(GOOD));
        assertEquals("not-allowed", doctorPeer.last(SignalEvent.Error.class).code());
        assertEquals(0, doctorPeer.closeCode(), "stays open");

        FakePeer early = peer();
        kit.service.connect(early).receive(new SignalRequest.Check(GOOD));
        assertEquals("not-authenticated", early.last(SignalEvent.Error.class).code());
        assertEquals(CloseCodes.UNAUTHENTICATED, early.closeCode());
    }

    @Test
    void aPatientInTheCallMayReportItAsWellButTheWaitingRoomNoLongerListsThem() {
        doctor.receive(doctorHello(2));
        patient.receive(patientHello(2));
        doctor.receive(new SignalRequest.Admit(patientPeer.last(SignalEvent.Welcome.class).participant()));
        patient.receive(new SignalRequest.Check(GOOD));
        assertEquals(0, patientPeer.all(SignalEvent.Error.class).size());
        assertEquals(List.of(), doctorPeer.last(SignalEvent.WaitingRoom.class).patients());
    }
}
