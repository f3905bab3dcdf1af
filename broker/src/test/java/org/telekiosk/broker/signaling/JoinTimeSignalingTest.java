package org.telekiosk.broker.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telekiosk.broker.signaling.SignalingKit.codeHello;
import static org.telekiosk.broker.signaling.SignalingKit.doctorHello;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.protocol.signaling.CloseCodes;
import org.telekiosk.protocol.signaling.Credential;
import org.telekiosk.protocol.signaling.SignalEvent;
import org.telekiosk.protocol.signaling.SignalRequest;

/**
 * {@code join-time} (the patient page's code-entered → media-connected time): counted once per seat, only from a
 * patient in the call; a second report of the seat, from the same socket or after a resume, is refused and not
 * counted; the doctor's page may not send one. The real signaling service over in-memory repositories.
 */
class JoinTimeSignalingTest {
    private final SignalingKit kit = new SignalingKit();
    private final Consultation consultation = kit.consultation(kit.doctor);
    private final List<SignalingService.JoinTime> counted = new CopyOnWriteArrayList<>();
    private final FakePeer doctorPeer = peer();
    private final Connection doctor = kit.service.connect(doctorPeer);
    private final FakePeer patientPeer = peer();
    private final Connection patient = kit.service.connect(patientPeer);
    private SignalEvent.Welcome welcome;

    private static FakePeer peer() {
        return new FakePeer(SignalingKit.PATIENT_ADDRESS, Optional.empty());
    }

    @BeforeEach
    void seatAPatient() {
        kit.service.watchJoinTimes(counted::add);
        doctor.receive(doctorHello(kit.doctor, consultation, 2));
        patient.receive(codeHello(kit.code(kit.doctor, consultation), 2));
        welcome = patientPeer.last(SignalEvent.Welcome.class);
    }

    private void admit() {
        doctor.receive(new SignalRequest.Admit(welcome.participant()));
    }

    @Test
    void aVersion1PatientsReportIsAnUnknownTypeAsAVersion1BrokerWouldSayAndIsNotCounted() {
        FakePeer oldPeer = peer();
        Connection old = kit.service.connect(oldPeer);
        old.receive(codeHello(kit.code(kit.doctor, consultation), 1));
        doctor.receive(new SignalRequest.Admit(oldPeer.last(SignalEvent.Welcome.class).participant()));

        old.receive(new SignalRequest.JoinTime(48_250, 1_830));

        assertEquals("unknown-type", oldPeer.last(SignalEvent.Error.class).code());
        assertEquals(CloseCodes.INVALID_PAYLOAD, oldPeer.closeCode());
        assertEquals(List.of(), counted);
    }

    @Test
    void aPatientInTheCallReportsItsJoinTimeOnceAndItIsCounted() {
        admit();
        patientPeer.clear();

        patient.receive(new SignalRequest.JoinTime(48_250, 1_830));

        assertEquals(List.of(new SignalingService.JoinTime(Duration.ofMillis(48_250), Duration.ofMillis(1_830))),
                counted);
        assertTrue(patientPeer.all(SignalEvent.Error.class).isEmpty(), patientPeer.events().toString());
        assertTrue(doctorPeer.events().stream().noneMatch(e -> e.toString().contains("48250")),
                "not relayed to the doctor");
    }

    @Test
    void aSecondReportOfTheSameSeatIsRefusedAndNotCounted() {
        admit();
        patient.receive(new SignalRequest.JoinTime(10_000, 900));
        patientPeer.clear();

        patient.receive(new SignalRequest.JoinTime(10_000, 900));

        assertEquals(1, counted.size());
        assertEquals("out-of-order", patientPeer.last(SignalEvent.Error.class).code());
        assertEquals(0, patientPeer.closeCode(), "the socket stays open");
    }

    @Test
    void aResumedSocketOfTheSameSeatCannotReportAgain() {
        admit();
        patient.receive(new SignalRequest.JoinTime(10_000, 900));
        patient.closed();
        FakePeer back = peer();
        Connection resumed = kit.service.connect(back);
        resumed.receive(new SignalRequest.Hello(2, new Credential.Resume(welcome.resumeToken(), 0)));
        back.last(SignalEvent.Welcome.class);

        resumed.receive(new SignalRequest.JoinTime(20_000, 900));

        assertEquals(1, counted.size());
        assertEquals("out-of-order", back.last(SignalEvent.Error.class).code());
    }

    @Test
    void aWaitingPatientCannotReportAJoinTime() {
        patient.receive(new SignalRequest.JoinTime(10_000, 0));

        assertTrue(counted.isEmpty());
        assertEquals("out-of-order", patientPeer.last(SignalEvent.Error.class).code());
    }

    @Test
    void aWaitingPatientsRefusedReportDoesNotUseUpTheSeatsOneReport() {
        patient.receive(new SignalRequest.JoinTime(10_000, 0));
        admit();

        patient.receive(new SignalRequest.JoinTime(12_000, 1_500));

        assertEquals(List.of(new SignalingService.JoinTime(Duration.ofMillis(12_000), Duration.ofMillis(1_500))),
                counted);
    }

    @Test
    void theDoctorsPageCannotReportAJoinTime() {
        admit();
        doctorPeer.clear();

        doctor.receive(new SignalRequest.JoinTime(10_000, 900));

        assertTrue(counted.isEmpty());
        assertEquals("not-allowed", doctorPeer.last(SignalEvent.Error.class).code());
    }

    @Test
    void eachSeatCountsOnce() {
        admit();
        patient.receive(new SignalRequest.JoinTime(10_000, 900));
        patient.receive(new SignalRequest.Leave());
        FakePeer secondPeer = peer();
        Connection second = kit.service.connect(secondPeer);
        second.receive(codeHello(kit.code(kit.doctor, consultation), 2));
        doctor.receive(new SignalRequest.Admit(secondPeer.last(SignalEvent.Welcome.class).participant()));

        second.receive(new SignalRequest.JoinTime(30_000, 700));

        assertEquals(2, counted.size(), secondPeer.events().toString());
    }
}
