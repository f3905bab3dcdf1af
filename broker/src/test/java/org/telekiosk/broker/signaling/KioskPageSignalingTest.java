package org.telekiosk.broker.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.telekiosk.broker.signaling.SignalingKit.codeHello;
import static org.telekiosk.broker.signaling.SignalingKit.doctorHello;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.signaling.CloseCodes;
import org.telekiosk.protocol.signaling.Credential;
import org.telekiosk.protocol.signaling.KioskSensors;
import org.telekiosk.protocol.signaling.SignalEvent;
import org.telekiosk.protocol.signaling.SignalRequest;
import org.telekiosk.protocol.signaling.WaitingPatient;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.SensorHealth;
import org.telekiosk.protocol.telemetry.SensorState;

/** A kiosk's own page in the waiting room (issue 3): called in without a code, its sensors as the kiosk says. */
class KioskPageSignalingTest {
    static final KioskId KIOSK = KioskId.of("wmk-lab-03");
    static final List<SensorHealth> SENSORS = List.of(
            new SensorHealth(SensorId.of("mlx90614"), SensorState.PRESENT, ""),
            new SensorHealth(SensorId.of("hx711"), SensorState.ABSENT, "no answer on GPIO 5/6"),
            new SensorHealth(SensorId.of("max30102"), SensorState.FAULTY, "FIFO overflow"));

    final SignalingKit kit = new SignalingKit();
    final FakePeer doctorPeer = new FakePeer(SignalingKit.PATIENT_ADDRESS, Optional.empty());

    FakePeer kioskPage(KioskId kiosk) {
        return new FakePeer(SignalingKit.PATIENT_ADDRESS, Optional.of(kit.kioskPageSession(kiosk)));
    }

    WaitingPatient waiting() {
        return doctorPeer.last(SignalEvent.WaitingRoom.class).patients().getFirst();
    }

    @Test
    void theKioskPageIsCalledIntoItsRoomConsultationAndTheDoctorSeesEachSensorAsTheKioskReported() {
        Consultation room = kit.roomConsultation(kit.doctor, KIOSK);
        kit.service.connect(doctorPeer).receive(doctorHello(kit.doctor, room));
        kit.statuses.accept(new KioskStatus(KIOSK, Instant.parse("2026-03-02T07:59:00Z"), SENSORS, 0, 0));

        FakePeer page = kioskPage(KIOSK);
        kit.service.connect(page).receive(new SignalRequest.Hello(1, new Credential.KioskCookie("")));

        SignalEvent.Welcome welcome = page.last(SignalEvent.Welcome.class);
        assertEquals(room.id().toString(), welcome.consultation());
        assertEquals(SignalEvent.SeatStatus.WAITING, welcome.status());
        assertEquals("wmk-lab-03", waiting().kiosk());
        assertEquals(KioskSensors.reported(SENSORS), waiting().sensors());
    }

    @Test
    void aKioskThatHasNotReportedYetShowsItsSensorsAsNotReported() {
        Consultation room = kit.roomConsultation(kit.doctor, KIOSK);
        kit.service.connect(doctorPeer).receive(doctorHello(kit.doctor, room));
        kit.service.connect(kioskPage(KIOSK)).receive(new SignalRequest.Hello(1, new Credential.KioskCookie("Erika")));

        assertEquals("Erika", waiting().name());
        assertEquals(KioskSensors.NOT_REPORTED, waiting().sensors());
    }

    @Test
    void aPatientOnTheirOwnDeviceHasNoKioskSensors() {
        Consultation consultation = kit.consultation(kit.doctor);
        kit.service.connect(doctorPeer).receive(doctorHello(kit.doctor, consultation));
        kit.service.connect(new FakePeer(SignalingKit.PATIENT_ADDRESS, Optional.empty()))
                .receive(codeHello(kit.code(kit.doctor, consultation)));

        assertEquals("", waiting().kiosk());
        assertEquals(KioskSensors.NO_KIOSK, waiting().sensors());
    }

    @Test
    void aCodeTypedOnAKioskPageSeatsThePatientAtThatKiosk() {
        Consultation consultation = kit.consultation(kit.doctor);
        kit.service.connect(doctorPeer).receive(doctorHello(kit.doctor, consultation));
        kit.statuses.accept(new KioskStatus(KIOSK, Instant.parse("2026-03-02T07:59:00Z"), SENSORS, 0, 0));
        kit.service.connect(kioskPage(KIOSK)).receive(codeHello(kit.code(kit.doctor, consultation)));

        assertEquals("wmk-lab-03", waiting().kiosk());
        assertEquals(KioskSensors.reported(SENSORS), waiting().sensors());
    }

    @Test
    void withoutAnOpenRoomConsultationTheKioskPageIsToldToAskForACode() {
        kit.consultation(kit.doctor);
        FakePeer page = kioskPage(KIOSK);
        kit.service.connect(page).receive(new SignalRequest.Hello(1, new Credential.KioskCookie("")));

        assertEquals("no-room-consultation", page.last(SignalEvent.Error.class).code());
        assertEquals(CloseCodes.GONE, page.closeCode());
    }

    @Test
    void theKioskCredentialNeedsAKioskPageSessionNotAStaffOne() {
        kit.roomConsultation(kit.doctor, KIOSK);
        for (Optional<OpaqueToken> cookie : List.of(Optional.<OpaqueToken>empty(),
                Optional.of(kit.doctor.session()))) {
            FakePeer page = new FakePeer(SignalingKit.PATIENT_ADDRESS, cookie);
            kit.service.connect(page).receive(new SignalRequest.Hello(1, new Credential.KioskCookie("")));
            assertEquals("not-authenticated", page.last(SignalEvent.Error.class).code());
        }
    }
}
