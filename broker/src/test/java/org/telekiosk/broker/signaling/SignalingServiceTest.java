package org.telekiosk.broker.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telekiosk.broker.signaling.SignalingKit.codeHello;
import static org.telekiosk.broker.signaling.SignalingKit.doctorHello;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.protocol.signaling.CloseCodes;
import org.telekiosk.protocol.signaling.Credential;
import org.telekiosk.protocol.signaling.IceServer;
import org.telekiosk.protocol.signaling.Participant;
import org.telekiosk.protocol.signaling.Readiness;
import org.telekiosk.protocol.signaling.SignalEvent;
import org.telekiosk.protocol.signaling.SignalRequest;

class SignalingServiceTest {
    private final SignalingKit kit = new SignalingKit();
    private final Consultation consultation = kit.consultation(kit.doctor);

    /** A connected doctor and an admitted patient of {@link #consultation}. */
    private final class Call {
        final FakePeer doctorPeer = peer();
        final Connection doctor = kit.service.connect(doctorPeer);
        final FakePeer patientPeer = peer();
        final Connection patient = kit.service.connect(patientPeer);
        final SignalEvent.Welcome welcome;

        Call(boolean admit) {
            doctor.receive(doctorHello(kit.doctor, consultation));
            patient.receive(codeHello(kit.code(kit.doctor, consultation)));
            welcome = patientPeer.last(SignalEvent.Welcome.class);
            if (admit) {
                doctor.receive(new SignalRequest.Admit(welcome.participant()));
            }
        }
    }

    private static final Participant DOCTOR = new Participant(Participant.Role.DOCTOR, "Dr. Anna Weber");

    private static FakePeer peer() {
        return new FakePeer(SignalingKit.PATIENT_ADDRESS, Optional.empty());
    }

    private static String errorCode(FakePeer peer) {
        return peer.last(SignalEvent.Error.class).code();
    }

    @Test
    void theDoctorSeesAWaitingPatientWithTheirReadinessAndAdmitsThem() {
        Call call = new Call(false);
        call.patient.receive(new SignalRequest.Ready(new Readiness(true, true, 38)));

        SignalEvent.WaitingRoom room = call.doctorPeer.last(SignalEvent.WaitingRoom.class);
        assertEquals(1, room.patients().size());
        assertEquals(call.welcome.participant(), room.patients().getFirst().participant());
        assertEquals(new Readiness(true, true, 38), room.patients().getFirst().readiness());
        assertEquals("Frau Koch", room.patients().getFirst().name());
        assertEquals(SignalEvent.SeatStatus.WAITING, call.welcome.status());

        call.doctor.receive(new SignalRequest.Admit(call.welcome.participant()));

        SignalEvent.Admitted admitted = call.patientPeer.last(SignalEvent.Admitted.class);
        assertEquals("all", admitted.iceTransportPolicy());
        assertEquals(2, admitted.iceServers().size());
        call.doctorPeer.last(SignalEvent.Admitted.class);
        assertEquals(List.of(new Participant(Participant.Role.DOCTOR, "Dr. Anna Weber"),
                new Participant(Participant.Role.PATIENT, "Frau Koch")),
                call.patientPeer.last(SignalEvent.Participants.class).participants());
        assertTrue(call.doctorPeer.last(SignalEvent.WaitingRoom.class).patients().isEmpty());
    }

    @Test
    void admittedPatientsGetTurnCredentialsInCoturnsSharedSecretScheme() throws Exception {
        Call call = new Call(true);
        IceServer turn = call.patientPeer.last(SignalEvent.Admitted.class).iceServers().get(1);
        long expiry = kit.clock.instant().plus(Duration.ofHours(1)).getEpochSecond();
        assertEquals(expiry + ":" + call.welcome.participant(), turn.username());
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec("test-secret-0123456789".getBytes(), "HmacSHA1"));
        assertEquals(Base64.getEncoder().encodeToString(mac.doFinal(turn.username().getBytes())), turn.credential());
    }

    @Test
    void offerAnswerAndCandidatesAreRelayedBetweenTheAdmittedParticipantsInOrder() {
        Call call = new Call(true);
        call.doctor.receive(new SignalRequest.Offer("v=0 offer"));
        assertEquals("v=0 offer", call.patientPeer.last(SignalEvent.Offer.class).sdp());
        call.doctor.receive(new SignalRequest.IceCandidate("candidate:1", "0", 0));
        assertEquals("candidate:1", call.patientPeer.last(SignalEvent.IceCandidate.class).candidate());
        call.patient.receive(new SignalRequest.Answer("v=0 answer"));
        assertEquals("v=0 answer", call.doctorPeer.last(SignalEvent.Answer.class).sdp());
        call.patient.receive(new SignalRequest.IceCandidate("candidate:2", "0", 0));
        assertEquals("candidate:2", call.doctorPeer.last(SignalEvent.IceCandidate.class).candidate());
        assertTrue(call.patientPeer.all(SignalEvent.Error.class).isEmpty());
        assertTrue(call.doctorPeer.all(SignalEvent.Error.class).isEmpty());
        List<Long> seqs = call.patientPeer.all(SignalEvent.Numbered.class).stream().map(SignalEvent.Numbered::seq)
                .toList();
        for (int i = 0; i < seqs.size(); i++) {
            assertEquals(i + 1, seqs.get(i), "patient's events are numbered 1, 2, 3, ...");
        }
    }

    @Test
    void anAnswerBeforeAnOfferIsRefusedAsOutOfOrderAndNotRelayed() {
        Call call = new Call(true);
        call.patient.receive(new SignalRequest.Answer("v=0 answer"));
        assertEquals("out-of-order", errorCode(call.patientPeer));
        assertTrue(call.doctorPeer.all(SignalEvent.Answer.class).isEmpty());
        assertEquals(0, call.patientPeer.closeCode(), "an out-of-order message keeps the socket open");
        call.doctor.receive(new SignalRequest.Offer("v=0 offer"));
        call.patient.receive(new SignalRequest.Answer("v=0 answer"));
        call.patient.receive(new SignalRequest.Answer("v=0 again"));
        assertEquals(1, call.doctorPeer.all(SignalEvent.Answer.class).size(), "one answer per offer");
    }

    @Test
    void anOfferBeforeAnyoneIsAdmittedIsRefusedAsOutOfOrder() {
        Call call = new Call(false);
        call.doctor.receive(new SignalRequest.Offer("v=0 offer"));
        assertEquals("out-of-order", errorCode(call.doctorPeer));
        assertTrue(call.patientPeer.all(SignalEvent.Offer.class).isEmpty(), "a waiting patient gets no offer");
    }

    @Test
    void nothingIsRelayedToAnotherConsultation() {
        Call call = new Call(true);
        Consultation other = kit.consultation(kit.otherDoctor);
        FakePeer otherDoctorPeer = peer();
        Connection otherDoctor = kit.service.connect(otherDoctorPeer);
        otherDoctor.receive(doctorHello(kit.otherDoctor, other));
        FakePeer otherPatientPeer = peer();
        kit.service.connect(otherPatientPeer).receive(codeHello(kit.code(kit.otherDoctor, other)));

        call.doctor.receive(new SignalRequest.Offer("v=0 offer"));
        call.patient.receive(new SignalRequest.Answer("v=0 answer"));
        otherDoctor.receive(new SignalRequest.Admit(call.welcome.participant()));

        assertEquals("not-found", errorCode(otherDoctorPeer), "another consultation's patient cannot be admitted");
        assertTrue(otherPatientPeer.all(SignalEvent.Offer.class).isEmpty());
        assertTrue(otherDoctorPeer.all(SignalEvent.Answer.class).isEmpty());
        assertTrue(otherDoctorPeer.last(SignalEvent.WaitingRoom.class).patients().stream()
                .noneMatch(p -> p.participant().equals(call.welcome.participant())));
    }

    @Test
    void aPatientWhoResumesWithinTheGracePeriodGetsWhatTheyMissedWithoutReadmission() {
        Call call = new Call(true);
        long seen = call.patientPeer.last(SignalEvent.Participants.class).seq();
        call.patient.closed();
        call.doctor.receive(new SignalRequest.Offer("v=0 offer while away"));
        kit.clock.advance(Duration.ofSeconds(59));
        kit.service.sweep();

        FakePeer back = peer();
        Connection resumed = kit.service.connect(back);
        resumed.receive(new SignalRequest.Hello(1, new Credential.Resume(call.welcome.resumeToken(), seen)));

        SignalEvent.Welcome welcome = back.last(SignalEvent.Welcome.class);
        assertEquals(SignalEvent.SeatStatus.IN_CALL, welcome.status(), "no re-admission needed");
        assertEquals(call.welcome.participant(), welcome.participant());
        assertFalse(welcome.resumeToken().equals(call.welcome.resumeToken()), "a new resume token each time");
        assertEquals("v=0 offer while away", back.last(SignalEvent.Offer.class).sdp(), "the missed offer is replayed");
        back.last(SignalEvent.Admitted.class);
        call.doctorPeer.last(SignalEvent.IceRestart.class);
        resumed.receive(new SignalRequest.Answer("v=0 answer"));
        assertEquals("v=0 answer", call.doctorPeer.last(SignalEvent.Answer.class).sdp());
    }

    @Test
    void aResumeTokenWorksOnce() {
        Call call = new Call(false);
        call.patient.closed();
        kit.service.connect(peer()).receive(new SignalRequest.Hello(1,
                new Credential.Resume(call.welcome.resumeToken(), 0)));
        FakePeer again = peer();
        kit.service.connect(again).receive(new SignalRequest.Hello(1,
                new Credential.Resume(call.welcome.resumeToken(), 0)));
        assertEquals("not-authenticated", errorCode(again));
        assertEquals(CloseCodes.UNAUTHENTICATED, again.closeCode());
    }

    @Test
    void afterTheGracePeriodTheSeatIsReleasedAndTheDoctorIsTold() {
        Call call = new Call(true);
        call.patient.closed();
        kit.clock.advance(Duration.ofSeconds(60));
        assertEquals(1, kit.service.sweep());
        assertEquals(List.of(DOCTOR), call.doctorPeer.last(SignalEvent.Participants.class).participants());

        FakePeer late = peer();
        kit.service.connect(late).receive(new SignalRequest.Hello(1,
                new Credential.Resume(call.welcome.resumeToken(), 0)));
        assertEquals("seat-released", errorCode(late), "as protocol/README.md promises, not not-authenticated");
        assertEquals(CloseCodes.GONE, late.closeCode());
    }

    @Test
    void aUsedCodeAndAnExpiredCodeAreRefusedWithTheSameError() {
        String code = kit.code(kit.doctor, consultation);
        kit.service.connect(peer()).receive(codeHello(code));
        FakePeer reuse = peer();
        kit.service.connect(reuse).receive(codeHello(code));
        assertEquals("invalid-code", errorCode(reuse));
        assertEquals(CloseCodes.UNAUTHENTICATED, reuse.closeCode());

        String expiring = kit.code(kit.doctor, consultation);
        kit.clock.advance(Duration.ofHours(24));
        FakePeer late = peer();
        kit.service.connect(late).receive(codeHello(expiring));
        assertEquals("invalid-code", errorCode(late));
    }

    @Test
    void theDoctorIsNeverLockedOutANewConnectionTakesOverTheOldOne() {
        Call call = new Call(true);
        FakePeer second = peer();
        Connection again = kit.service.connect(second);
        again.receive(doctorHello(kit.doctor, consultation));

        assertEquals(CloseCodes.REPLACED, call.doctorPeer.closeCode());
        assertEquals(SignalEvent.SeatStatus.IN_CALL, second.last(SignalEvent.Welcome.class).status());
        second.last(SignalEvent.Admitted.class);
        assertEquals(2, second.last(SignalEvent.Participants.class).participants().size());
        call.doctor.closed();
        again.receive(new SignalRequest.Offer("v=0 from the new tab"));
        assertEquals("v=0 from the new tab", call.patientPeer.last(SignalEvent.Offer.class).sdp());
    }

    @Test
    void aFloodIsCutOffWithRateLimitedAndOtherConsultationsCarryOn() {
        Call call = new Call(true);
        Consultation other = kit.consultation(kit.otherDoctor);
        FakePeer otherPeer = peer();
        Connection otherDoctor = kit.service.connect(otherPeer);
        otherDoctor.receive(doctorHello(kit.otherDoctor, other));

        for (int i = 0; i < 250; i++) {
            call.patient.receive(new SignalRequest.Ping("n" + i));
        }
        assertEquals("rate-limited", errorCode(call.patientPeer));
        assertEquals(CloseCodes.TOO_MANY, call.patientPeer.closeCode());

        otherDoctor.receive(new SignalRequest.Ping("still-here"));
        assertEquals("still-here", otherPeer.last(SignalEvent.Pong.class).nonce());
        kit.clock.advance(Duration.ofSeconds(10));
        call.doctor.receive(new SignalRequest.Ping("doctor-too"));
        assertEquals("doctor-too", call.doctorPeer.last(SignalEvent.Pong.class).nonce());
    }

    @Test
    void aSteadyRateWithinTheLimitIsNeverCutOff() {
        Call call = new Call(true);
        for (int i = 0; i < 1_000; i++) {
            kit.clock.advance(Duration.ofMillis(60));
            call.patient.receive(new SignalRequest.Ping("n" + i));
        }
        assertEquals(0, call.patientPeer.closeCode());
    }

    @Test
    void endingTheConsultationEndsEveryConnection() {
        Call call = new Call(true);
        call.doctor.receive(new SignalRequest.End());
        assertEquals("ended-by-doctor", call.patientPeer.last(SignalEvent.Ended.class).reason());
        assertEquals(CloseCodes.NORMAL, call.patientPeer.closeCode());
        assertEquals(CloseCodes.NORMAL, call.doctorPeer.closeCode());
        FakePeer late = peer();
        kit.service.connect(late).receive(doctorHello(kit.doctor, consultation));
        assertEquals("access-expired", errorCode(late));
    }

    @Test
    void theParticipantsAfterTheDoctorsWelcomeListTheDoctorAloneThenTheAdmittedPatientAfterThem() {
        Call call = new Call(false);
        assertEquals(List.of(DOCTOR), call.doctorPeer.last(SignalEvent.Participants.class).participants());
        call.doctor.receive(new SignalRequest.Admit(call.welcome.participant()));
        List<Participant> both = List.of(DOCTOR, new Participant(Participant.Role.PATIENT, "Frau Koch"));
        assertEquals(both, call.doctorPeer.last(SignalEvent.Participants.class).participants());
        assertEquals(both, call.patientPeer.last(SignalEvent.Participants.class).participants());
    }

    @Test
    void aPatientWhoLeavesIsGoneAndTheDoctorSeesIt() {
        Call call = new Call(true);
        call.patient.receive(new SignalRequest.Leave());
        assertEquals(CloseCodes.NORMAL, call.patientPeer.closeCode());
        assertEquals(List.of(DOCTOR), call.doctorPeer.last(SignalEvent.Participants.class).participants(),
                "the doctor is still in their call after the patient left");
        call.doctor.receive(new SignalRequest.Offer("v=0"));
        assertEquals("out-of-order", errorCode(call.doctorPeer));
    }

    @Test
    void aLoggedOutDoctorCanNoLongerAdmitOrOffer() {
        Call call = new Call(false);
        kit.sessions.end(kit.doctor.session());
        call.doctor.receive(new SignalRequest.Admit(call.welcome.participant()));
        assertEquals("not-authenticated", errorCode(call.doctorPeer));
        assertEquals(CloseCodes.UNAUTHENTICATED, call.doctorPeer.closeCode());
        assertEquals(SignalEvent.SeatStatus.WAITING, call.welcome.status());
    }

    @Test
    void aRoomNobodyIsInAnyMoreIsForgottenAtTheNextSweep() {
        Call call = new Call(false);
        call.patient.receive(new SignalRequest.Leave());
        call.doctor.closed();
        assertEquals(1, kit.service.roomCount());
        kit.service.sweep();
        assertEquals(0, kit.service.roomCount());
        FakePeer back = peer();
        kit.service.connect(back).receive(doctorHello(kit.doctor, consultation));
        assertEquals(0, back.last(SignalEvent.Welcome.class).lastSeq(), "numbering starts afresh, and says so");
    }

    /**
     * The sweep forgets a room that is empty at the moment it holds the room's monitor; a hello that looked the room
     * up just before and waited for that monitor must not seat its party in the forgotten room, where nobody coming
     * later would meet it (a clean-clone CI run once had the doctor's console never list a waiting patient: the
     * doctor sat in a forgotten room, the patient in the new one).
     */
    @Test
    void aHelloThatMeetsARoomForgottenMeanwhileSeatsItsPartyInTheRoomEveryoneElseMeets() throws Exception {
        Room empty = kit.service.room(consultation.id());
        FakePeer doctorPeer = peer();
        Connection doctor = kit.service.connect(doctorPeer);
        Thread hello;
        synchronized (empty) {
            hello = Thread.ofPlatform().start(() -> doctor.receive(doctorHello(kit.doctor, consultation)));
            org.awaitility.Awaitility.await("the doctor's hello waits for the room").atMost(Duration.ofSeconds(30))
                    .until(() -> hello.getState() == Thread.State.BLOCKED);
            kit.service.sweep(); // the room is empty: forgotten, while the hello holds a reference to it
        }
        hello.join(Duration.ofSeconds(30).toMillis());
        assertFalse(hello.isAlive(), "the doctor's hello finished");
        doctorPeer.last(SignalEvent.Welcome.class);

        FakePeer patientPeer = peer();
        kit.service.connect(patientPeer).receive(codeHello(kit.code(kit.doctor, consultation)));
        String participant = patientPeer.last(SignalEvent.Welcome.class).participant();

        List<org.telekiosk.protocol.signaling.WaitingPatient> waiting = doctorPeer.last(SignalEvent.WaitingRoom.class).patients();
        assertEquals(List.of(participant), waiting.stream().map(org.telekiosk.protocol.signaling.WaitingPatient::participant).toList(),
                "the doctor sees the patient who joined after them");
        assertEquals(1, kit.service.roomCount());
    }

    @Test
    void anUnsupportedProtocolVersionIsRefused() {
        FakePeer future = peer();
        kit.service.connect(future).receive(new SignalRequest.Hello(3, new Credential.Cookie(
                consultation.id().toString())));
        assertEquals("unsupported-version", errorCode(future));
        assertEquals(CloseCodes.UNSUPPORTED_VERSION, future.closeCode());
    }
}
