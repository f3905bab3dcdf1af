package org.telekiosk.broker.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telekiosk.broker.signaling.SignalingKit.codeHello;
import static org.telekiosk.broker.signaling.SignalingKit.doctorHello;
import static org.telekiosk.broker.testing.Outcomes.done;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.protocol.signaling.CloseCodes;
import org.telekiosk.protocol.signaling.Participant;
import org.telekiosk.protocol.signaling.Rung;
import org.telekiosk.protocol.signaling.SignalEvent;
import org.telekiosk.protocol.signaling.SignalRequest;

/**
 * Chat and the ladder's {@code quality} on the signaling service: relayed only between the doctor and the patient in
 * the call, chat never numbered, kept or logged, and every bad input refused as {@code protocol/README.md} says.
 */
class CallMessagesTest {
    private final SignalingKit kit = new SignalingKit();
    private final Consultation consultation = kit.consultation(kit.doctor);
    private final FakePeer doctorPeer = peer();
    private final Connection doctor = kit.service.connect(doctorPeer);
    private final FakePeer patientPeer = peer();
    private final Connection patient = kit.service.connect(patientPeer);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    private static FakePeer peer() {
        return new FakePeer(SignalingKit.PATIENT_ADDRESS, Optional.empty());
    }

    @BeforeEach
    void captureLogs() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    private String join(boolean admit) {
        doctor.receive(doctorHello(kit.doctor, consultation));
        patient.receive(codeHello(kit.code(kit.doctor, consultation)));
        String participant = patientPeer.last(SignalEvent.Welcome.class).participant();
        if (admit) {
            doctor.receive(new SignalRequest.Admit(participant));
        }
        return participant;
    }

    private static String errorCode(FakePeer peer) {
        return peer.last(SignalEvent.Error.class).code();
    }

    @Test
    void chatLinesTravelBothWaysBetweenTheParticipantsOfTheCallAndAreNeverLogged() {
        join(true);
        long numberedBefore = patientPeer.all(SignalEvent.Numbered.class).size();
        doctor.receive(new SignalRequest.Chat("Guten Tag, hören Sie mich?"));
        patient.receive(new SignalRequest.Chat("Nur schlecht – ich schreibe lieber"));

        assertEquals(new SignalEvent.Chat(Participant.Role.DOCTOR, "Guten Tag, hören Sie mich?"),
                patientPeer.last(SignalEvent.Chat.class));
        assertEquals(new SignalEvent.Chat(Participant.Role.PATIENT, "Nur schlecht – ich schreibe lieber"),
                doctorPeer.last(SignalEvent.Chat.class));
        assertEquals(numberedBefore, patientPeer.all(SignalEvent.Numbered.class).size(),
                "chat is not numbered, so not kept for a replay");
        assertTrue(doctorPeer.all(SignalEvent.Error.class).isEmpty());
        assertTrue(patientPeer.all(SignalEvent.Error.class).isEmpty());
        for (ILoggingEvent event : logs.list) {
            assertFalse(event.getFormattedMessage().contains("hören") || event.getFormattedMessage().contains("schreibe"),
                    "chat text in a log line: " + event.getFormattedMessage());
        }
    }

    @Test
    void anOversizedChatLineIsRefusedWithChatTooLongAndTheSocketStaysOpen() {
        join(true);
        doctor.receive(new SignalRequest.Chat("x".repeat(SignalRequest.MAX_CHAT_CHARS + 1)));
        assertEquals("chat-too-long", errorCode(doctorPeer));
        assertTrue(patientPeer.all(SignalEvent.Chat.class).isEmpty(), "not relayed");
        assertEquals(0, doctorPeer.closeCode());
        doctor.receive(new SignalRequest.Chat("y".repeat(SignalRequest.MAX_CHAT_CHARS)));
        assertEquals(SignalRequest.MAX_CHAT_CHARS, patientPeer.last(SignalEvent.Chat.class).text().length(),
                "the limit itself passes");
    }

    @Test
    void aChatFloodIsRefusedLineByLineAndThenClosedWith4429() {
        join(true);
        for (int i = 0; i < CallMessages.CHAT_BURST + 3; i++) {
            patient.receive(new SignalRequest.Chat("Hallo " + i));
        }
        assertEquals(CallMessages.CHAT_BURST, doctorPeer.all(SignalEvent.Chat.class).size(), "the burst passes");
        assertEquals(3, patientPeer.all(SignalEvent.Error.class).stream()
                .filter(e -> e.code().equals("chat-rate-limited")).count());
        assertEquals(0, patientPeer.closeCode(), "a few lines too fast keep the socket open");

        kit.clock.advance(Duration.ofSeconds(1));
        patient.receive(new SignalRequest.Chat("nach einer Sekunde"));
        assertEquals("nach einer Sekunde", doctorPeer.last(SignalEvent.Chat.class).text());

        for (int i = 0; i < 300 && patientPeer.closeCode() == 0; i++) {
            patient.receive(new SignalRequest.Chat("Flut " + i));
        }
        assertEquals(CloseCodes.TOO_MANY, patientPeer.closeCode(), "a flood is closed with 4429");
        assertEquals("rate-limited", errorCode(patientPeer));
        assertEquals(CallMessages.CHAT_BURST + 1, doctorPeer.all(SignalEvent.Chat.class).size(),
                "nothing of the flood reached the doctor");
    }

    @Test
    void chatFromSomeoneNotInTheCallIsRefusedAndNotRelayed() {
        join(false);
        patient.receive(new SignalRequest.Chat("Ich warte noch"));
        assertEquals("not-in-call", errorCode(patientPeer));
        doctor.receive(new SignalRequest.Chat("Einen Moment bitte"));
        assertEquals("not-in-call", errorCode(doctorPeer), "nobody is in the call yet");
        assertTrue(doctorPeer.all(SignalEvent.Chat.class).isEmpty());
        assertTrue(patientPeer.all(SignalEvent.Chat.class).isEmpty(), "a waiting patient gets no chat");

        FakePeer strangerPeer = peer();
        Connection stranger = kit.service.connect(strangerPeer);
        stranger.receive(new SignalRequest.Chat("hallo?"));
        assertEquals("not-authenticated", errorCode(strangerPeer));
        assertEquals(CloseCodes.UNAUTHENTICATED, strangerPeer.closeCode());
    }

    @Test
    void aPatientOfAnotherConsultationNeverReceivesOrSendsIntoThisCall() {
        join(true);
        Consultation other = kit.consultation(kit.otherDoctor);
        FakePeer otherPatientPeer = peer();
        Connection otherPatient = kit.service.connect(otherPatientPeer);
        otherPatient.receive(codeHello(kit.code(kit.otherDoctor, other)));
        otherPatient.receive(new SignalRequest.Chat("hallo?"));
        doctor.receive(new SignalRequest.Chat("Nur für Frau Koch"));
        assertEquals("not-in-call", errorCode(otherPatientPeer));
        assertTrue(otherPatientPeer.all(SignalEvent.Chat.class).isEmpty());
        assertTrue(doctorPeer.all(SignalEvent.Chat.class).isEmpty());
    }

    @Test
    void chatAfterTheConsultationEndedIsNotRelayedAndANewSocketIsRefused() {
        join(true);
        done(kit.consultations.end(kit.doctor.caller(), consultation.id()));
        assertEquals("ended-by-doctor", patientPeer.last(SignalEvent.Ended.class).reason());
        int patientEvents = patientPeer.events().size();
        int doctorEvents = doctorPeer.events().size();

        doctor.receive(new SignalRequest.Chat("Noch eine Frage"));
        patient.receive(new SignalRequest.Chat("Danke"));
        assertEquals(patientEvents, patientPeer.events().size(), "nothing reaches the patient after the end");
        assertEquals(doctorEvents, doctorPeer.events().size(), "nothing reaches the doctor after the end");

        FakePeer latePeer = peer();
        Connection late = kit.service.connect(latePeer);
        late.receive(doctorHello(kit.doctor, consultation));
        late.receive(new SignalRequest.Chat("hallo?"));
        assertEquals("access-expired", latePeer.all(SignalEvent.Error.class).getFirst().code());
        assertEquals(CloseCodes.GONE, latePeer.closeCode());
    }

    @Test
    void aChatLineForADroppedPatientIsRefusedAsNotDeliveredAndNotKept() {
        join(true);
        patient.closed();
        doctor.receive(new SignalRequest.Chat("Sind Sie noch da?"));
        assertEquals("not-delivered", errorCode(doctorPeer));
    }

    @Test
    void theDoctorsRungReachesThePatientNumberedAndTheListenersWithTheConsultation() {
        join(true);
        List<RungChange> changes = new CopyOnWriteArrayList<>();
        kit.service.watchRungs(changes::add);
        doctor.receive(new SignalRequest.Quality(Rung.AUDIO, "loss 6 %, rtt 420 ms", false));
        doctor.receive(new SignalRequest.Quality(Rung.VIDEO_LOW, "pinned by the doctor", true));

        SignalEvent.Quality last = patientPeer.last(SignalEvent.Quality.class);
        assertEquals(Rung.VIDEO_LOW, last.rung());
        assertTrue(last.pinned());
        assertEquals(Participant.Role.DOCTOR, last.from());
        assertEquals(List.of(new RungChange(consultation.id(), Participant.Role.DOCTOR, Rung.AUDIO,
                        "loss 6 %, rtt 420 ms", false, kit.clock.instant()),
                new RungChange(consultation.id(), Participant.Role.DOCTOR, Rung.VIDEO_LOW, "pinned by the doctor",
                        true, kit.clock.instant())), changes);
    }

    @Test
    void aResumingPatientLearnsTheRungAgainFromTheReplay() {
        join(true);
        SignalEvent.Welcome welcome = patientPeer.last(SignalEvent.Welcome.class);
        doctor.receive(new SignalRequest.Quality(Rung.TEXT, "no media for 8 s", false));
        long seen = patientPeer.last(SignalEvent.Quality.class).seq() - 1;
        patient.closed();

        FakePeer resumedPeer = peer();
        Connection resumed = kit.service.connect(resumedPeer);
        resumed.receive(new SignalRequest.Hello(SignalRequest.PROTOCOL_VERSION,
                new org.telekiosk.protocol.signaling.Credential.Resume(welcome.resumeToken(), seen)));
        assertEquals(Rung.TEXT, resumedPeer.last(SignalEvent.Quality.class).rung());
    }

    @Test
    void qualityFromThePatientOrWithNobodyInTheCallIsRefused() {
        join(false);
        List<RungChange> changes = new CopyOnWriteArrayList<>();
        kit.service.watchRungs(changes::add);
        doctor.receive(new SignalRequest.Quality(Rung.AUDIO, "", false));
        assertEquals("not-in-call", errorCode(doctorPeer));
        doctor.receive(new SignalRequest.Admit(patientPeer.last(SignalEvent.Welcome.class).participant()));
        patient.receive(new SignalRequest.Quality(Rung.AUDIO, "", false));
        assertEquals("not-allowed", errorCode(patientPeer));
        assertTrue(changes.isEmpty());
        assertTrue(patientPeer.all(SignalEvent.Quality.class).isEmpty());
    }

    @Test
    void aFailingListenerDoesNotStopTheRelay() {
        join(true);
        kit.service.watchRungs(change -> {
            throw new IllegalStateException("listener broke");
        });
        doctor.receive(new SignalRequest.Quality(Rung.AUDIO, "", false));
        assertEquals(Rung.AUDIO, patientPeer.last(SignalEvent.Quality.class).rung());
    }
}
