package org.telekiosk.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.AccountCreation;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.account.Password;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditQuery;
import org.telekiosk.broker.config.AccessConfig;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.consultation.ConsultationTarget;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.record.MediaEntry;
import org.telekiosk.broker.record.Party;
import org.telekiosk.broker.record.RecordContent;
import org.telekiosk.broker.record.RecordEvent;
import org.telekiosk.broker.record.RecordExport;
import org.telekiosk.broker.signaling.Connection;
import org.telekiosk.broker.signaling.FakePeer;
import org.telekiosk.broker.signaling.SignalingConfig;
import org.telekiosk.broker.signaling.SignalingKit;
import org.telekiosk.broker.signaling.SignalingService;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.store.StoreDatabase;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.broker.testing.TestHashing;
import org.telekiosk.broker.testing.Outcomes;
import org.telekiosk.broker.turn.IceConfig;
import org.telekiosk.broker.turn.IceServers;
import org.telekiosk.protocol.signaling.Credential;
import org.telekiosk.protocol.signaling.PreCallCheck;
import org.telekiosk.protocol.signaling.SignalEvent;
import org.telekiosk.protocol.signaling.Rung;
import org.telekiosk.protocol.signaling.SignalRequest;

/**
 * A consultation's record as the real services and signaling keep it on SQLite, with a clock the test moves: who
 * joined, was admitted, dropped, resumed and ended, the media reports with the broker's fingerprint check, the
 * ladder's rungs; read by its doctor only (audited), and purged with the consultation after its retention.
 */
class ConsultationRecordTest {
    static final String DOCTOR_FP = "sha-256 " + "0A:".repeat(31) + "0A";
    static final String PATIENT_FP = "sha-256 " + "B1:".repeat(31) + "B1";
    static final String STRANGER_FP = "sha-256 " + "EE:".repeat(31) + "EE";

    @TempDir
    Path dir;
    final MutableClock clock = MutableClock.startingAt("2026-12-04T09:00:00Z");
    AccessServices services;
    SignalingService signaling;
    Account doctor;
    Account otherDoctor;
    OpaqueToken session;

    @BeforeEach
    void start() throws Exception {
        StoreDatabase database = StoreDatabase.sqlite(dir.resolve("telekiosk.db"));
        database.migrate();
        services = TestHashing.open(new SqlAccess(database), new AccessConfig(Duration.ofHours(12),
                Duration.ofHours(12), Duration.ofHours(4), Duration.ofHours(1), Duration.ofSeconds(60),
                Duration.ofDays(7), Duration.ofDays(90), Duration.ofMinutes(1), 8, 1), dir, new SecureRandom(),
                clock);
        signaling = new SignalingService(services.sessions(), services.consultations(), services.waitingRoom(),
                services.codes(), services.reconnects(), new IceServers(new IceConfig(List.of(), List.of(), "all",
                        Duration.ofHours(1), Optional.empty()), Optional.empty(), clock), services.policy(),
                SignalingConfig.DEFAULT, clock, kiosk -> Optional.empty(), services.records());
        services.calls().subscribeEnds(signaling);
        Account admin = created(services.accounts().createFirstAdmin(LoginName.of("admin"), DisplayName.of("Admin"),
                Password.of("admin password 1")));
        doctor = created(services.accounts().createAccount(admin, LoginName.of("dr.weber"),
                DisplayName.of("Dr. Weber"), Role.DOCTOR, Password.of("weber password 1")));
        otherDoctor = created(services.accounts().createAccount(admin, LoginName.of("dr.schulz"),
                DisplayName.of("Dr. Schulz"), Role.DOCTOR, Password.of("schulz password 1")));
        session = services.sessions().start(doctor.id()).token();
    }

    @Test
    void theRecordSaysWhoJoinedWhenHowTheMediaFlowedThatItWasEncryptedAndWhoEndedIt() {
        Consultation consultation = consultation();
        FakePeer doctorPeer = new FakePeer(SignalingKit.PATIENT_ADDRESS, Optional.empty());
        Connection doctorSide = signaling.connect(doctorPeer);
        doctorSide.receive(new SignalRequest.Hello(1, new Credential.Session(session.value(),
                consultation.id().toString())));
        clock.advance(Duration.ofSeconds(10));
        FakePeer patientPeer = new FakePeer(SignalingKit.PATIENT_ADDRESS, Optional.empty());
        Connection patientSide = signaling.connect(patientPeer);
        patientSide.receive(SignalingKit.codeHello(code(consultation)));
        String participant = patientPeer.last(SignalEvent.Welcome.class).participant();
        clock.advance(Duration.ofSeconds(10));
        doctorSide.receive(new SignalRequest.Admit(participant));
        doctorSide.receive(new SignalRequest.Offer(sdp(DOCTOR_FP)));
        // The answer's hex in lower case: RFC 8122 fingerprints compare without regard to case.
        patientSide.receive(new SignalRequest.Answer(sdp(PATIENT_FP.toLowerCase())));
        clock.advance(Duration.ofSeconds(2));
        SignalRequest.MediaReport doctorReport = new SignalRequest.MediaReport("relay", "udp", "relay", "relay",
                DOCTOR_FP, PATIENT_FP);
        doctorSide.receive(doctorReport);
        doctorSide.receive(doctorReport);
        patientSide.receive(new SignalRequest.MediaReport("relay", "udp", "relay", "relay", PATIENT_FP,
                STRANGER_FP));
        // The doctor's page steps the ladder down; the same rung again (a repeated message) is recorded once.
        doctorSide.receive(new SignalRequest.Quality(Rung.AUDIO, "loss 12 %, rtt 900 ms", false));
        doctorSide.receive(new SignalRequest.Quality(Rung.AUDIO, "loss 12 %, rtt 900 ms", false));
        clock.advance(Duration.ofSeconds(30));
        patientSide.closed();
        clock.advance(Duration.ofSeconds(5));
        FakePeer resumedPeer = new FakePeer(SignalingKit.PATIENT_ADDRESS, Optional.empty());
        signaling.connect(resumedPeer).receive(new SignalRequest.Hello(1, new Credential.Resume(
                patientPeer.last(SignalEvent.Welcome.class).resumeToken(), 0)));
        clock.advance(Duration.ofMinutes(5));
        doctorSide.receive(new SignalRequest.End());

        RecordContent record = export(doctor, consultation).content();
        assertEquals(List.of(RecordEvent.Kind.DOCTOR_JOINED, RecordEvent.Kind.PATIENT_JOINED,
                RecordEvent.Kind.PATIENT_ADMITTED, RecordEvent.Kind.RUNG, RecordEvent.Kind.PATIENT_DROPPED,
                RecordEvent.Kind.PATIENT_RESUMED, RecordEvent.Kind.ENDED),
                record.events().stream().map(RecordEvent::kind).toList());
        RecordEvent joined = record.events().get(1);
        assertEquals(new RecordEvent(clock.instant().minus(Duration.ofSeconds(347)), RecordEvent.Kind.PATIENT_JOINED,
                Party.PATIENT, participant, ""), joined);
        assertEquals(new RecordEvent(clock.instant().minus(Duration.ofSeconds(335)), RecordEvent.Kind.RUNG,
                Party.DOCTOR, "", "audio"), record.events().get(3));
        RecordEvent ended = record.events().getLast();
        assertEquals(new RecordEvent(clock.instant(), RecordEvent.Kind.ENDED, Party.DOCTOR, "", "ended-by-doctor"),
                ended);
        assertEquals(2, record.media().size(), "the repeated report is kept once");
        assertEquals(new MediaEntry(clock.instant().minus(Duration.ofSeconds(335)), Party.DOCTOR, doctorReport,
                MediaEntry.Fingerprints.MATCH), record.media().get(0));
        assertEquals(MediaEntry.Fingerprints.MISMATCH, record.media().get(1).fingerprints(),
                "the patient's page saw a DTLS peer whose certificate nobody signaled");
        assertTrue(services.audit().page(new AuditQuery(10, OptionalLong.empty(), consultation.id().toString()))
                .stream().anyMatch(e -> e.event().action() == AuditAction.RECORD_EXPORTED
                        && e.event().actor().value().equals("account:" + doctor.id())));
    }

    @Test
    void thePatientsPreCallCheckIsRecordedOncePerResultAsTechnicalFactsOnly() {
        Consultation consultation = consultation();
        FakePeer doctorPeer = new FakePeer(SignalingKit.PATIENT_ADDRESS, Optional.empty());
        Connection doctorSide = signaling.connect(doctorPeer);
        doctorSide.receive(SignalingKit.doctorHello(new SignalingKit.Staff(new Caller.Staff(doctor), session),
                consultation, 2));
        FakePeer patientPeer = new FakePeer(SignalingKit.PATIENT_ADDRESS, Optional.empty());
        Connection patientSide = signaling.connect(patientPeer);
        patientSide.receive(SignalingKit.codeHello(code(consultation), 2));
        String participant = patientPeer.last(SignalEvent.Welcome.class).participant();
        clock.advance(Duration.ofSeconds(3));
        PreCallCheck check = new PreCallCheck("picture", "heard", "not-heard", 120, 1_800);
        patientSide.receive(new SignalRequest.Check(check));
        patientSide.receive(new SignalRequest.Check(check)); // sent again after a welcome: recorded once
        clock.advance(Duration.ofSeconds(4));
        PreCallCheck worst = new PreCallCheck("unavailable", "unavailable", "not-heard", 600_000, 10_000_000);
        patientSide.receive(new SignalRequest.Check(worst));

        RecordContent record = export(doctor, consultation).content();
        List<RecordEvent> checks = record.events().stream()
                .filter(e -> e.kind() == RecordEvent.Kind.PATIENT_CHECKED).toList();
        assertEquals(List.of(
                new RecordEvent(clock.instant().minus(Duration.ofSeconds(4)), RecordEvent.Kind.PATIENT_CHECKED,
                        Party.PATIENT, participant,
                        "camera=picture microphone=heard speaker=not-heard rtt-ms=120 down-kbps=1800"),
                new RecordEvent(clock.instant(), RecordEvent.Kind.PATIENT_CHECKED, Party.PATIENT, participant,
                        "camera=unavailable microphone=unavailable speaker=not-heard rtt-ms=600000"
                                + " down-kbps=10000000")), checks);
    }

    @Test
    void onlyTheConsultationsDoctorReadsItsRecord() {
        Consultation consultation = consultation();
        assertInstanceOf(Outcome.Refused.class, exporter().export(new Caller.Staff(otherDoctor), consultation.id()));
        assertTrue(services.audit().page(new AuditQuery(10, OptionalLong.empty(), consultation.id().toString()))
                .stream().noneMatch(e -> e.event().action() == AuditAction.RECORD_EXPORTED));
    }

    @Test
    void aReportBeforeAnySdpWasSeenIsRecordedAsUnknownAndAPatientWhoLeavesIsRecordedAsLeaving() {
        Consultation consultation = consultation();
        FakePeer doctorPeer = new FakePeer(SignalingKit.PATIENT_ADDRESS, Optional.empty());
        Connection doctorSide = signaling.connect(doctorPeer);
        doctorSide.receive(new SignalRequest.Hello(1, new Credential.Session(session.value(),
                consultation.id().toString())));
        FakePeer patientPeer = new FakePeer(SignalingKit.PATIENT_ADDRESS, Optional.empty());
        Connection patientSide = signaling.connect(patientPeer);
        patientSide.receive(SignalingKit.codeHello(code(consultation)));
        doctorSide.receive(new SignalRequest.Admit(patientPeer.last(SignalEvent.Welcome.class).participant()));
        patientSide.receive(new SignalRequest.MediaReport("direct", "udp", "host", "host", PATIENT_FP, DOCTOR_FP));
        patientSide.receive(new SignalRequest.Leave());
        doctorSide.closed();

        RecordContent record = export(doctor, consultation).content();
        assertEquals(MediaEntry.Fingerprints.UNKNOWN, record.media().getFirst().fingerprints());
        assertEquals(List.of(RecordEvent.Kind.DOCTOR_JOINED, RecordEvent.Kind.PATIENT_JOINED,
                RecordEvent.Kind.PATIENT_ADMITTED, RecordEvent.Kind.PATIENT_LEFT, RecordEvent.Kind.DOCTOR_LEFT),
                record.events().stream().map(RecordEvent::kind).toList());
    }

    @Test
    void theRecordIsPurgedWithItsConsultationOnceItsRetentionIsOverUnderAMovingClock() {
        Consultation consultation = consultation();
        code(consultation);
        signaling.connect(new FakePeer(SignalingKit.PATIENT_ADDRESS, Optional.empty())).receive(
                new SignalRequest.Hello(1, new Credential.Session(session.value(), consultation.id().toString())));
        AccessPurge purge = AccessPurge.every(Duration.ofDays(1), services, clock);
        try {
            clock.advance(Duration.ofHours(4));
            purge.runOnce();
            RecordContent ended = services.records().read(consultation.id());
            assertEquals(new RecordEvent(clock.instant(), RecordEvent.Kind.ENDED, Party.BROKER, "", "access-expired"),
                    ended.events().getLast(), "the access window closed: the broker ended it");

            clock.advance(Duration.ofDays(7).minusSeconds(1));
            purge.runOnce();
            assertEquals(2, services.records().read(consultation.id()).events().size(), "a second early: kept");

            clock.advance(Duration.ofSeconds(2));
            purge.runOnce();
            assertEquals(new RecordContent(List.of(), List.of()), services.records().read(consultation.id()),
                    "deleted with the consultation seven days after it ended");
        } finally {
            purge.close();
        }
    }

    private Consultation consultation() {
        return Outcomes.done(services.consultations().create(new Caller.Staff(doctor),
                new ConsultationTarget.Patient(Optional.of(DisplayName.of("Frau Koch"))), Optional.empty()));
    }

    private String code(Consultation consultation) {
        return Outcomes.done(services.codes().issue(new Caller.Staff(doctor), consultation.id())).code()
                .formatted();
    }

    private RecordExport exporter() {
        return new RecordExport(services.consultations(), services.records(), services.audit(), clock);
    }

    private RecordExport.Exported export(Account by, Consultation consultation) {
        return Outcomes.done(exporter().export(new Caller.Staff(by), consultation.id()));
    }

    private static String sdp(String fingerprint) {
        return "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
                + "a=fingerprint:" + fingerprint + "\r\na=setup:actpass\r\n";
    }

    private static Account created(AccountCreation creation) {
        return ((AccountCreation.Created) creation).account();
    }
}
