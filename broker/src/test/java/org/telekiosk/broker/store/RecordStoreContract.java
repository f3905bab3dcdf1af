package org.telekiosk.broker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.AccountId;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.account.SqlAccountRepository;
import org.telekiosk.broker.account.StoredAccount;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.AuditEntry;
import org.telekiosk.broker.audit.AuditEvent;
import org.telekiosk.broker.audit.AuditQuery;
import org.telekiosk.broker.audit.SqlAuditLog;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.consultation.ConsultationState;
import org.telekiosk.broker.consultation.ConsultationTarget;
import org.telekiosk.broker.consultation.SqlConsultationRepository;
import org.telekiosk.broker.record.MediaEntry;
import org.telekiosk.broker.record.Party;
import org.telekiosk.broker.record.RecordContent;
import org.telekiosk.broker.record.RecordEvent;
import org.telekiosk.broker.record.SqlRecordStore;
import org.telekiosk.protocol.signaling.SignalRequest;

/**
 * What the consultation record's tables (migration V8) and the audit log's consultation column must do on every
 * database: subclasses say where. Instants carry nanoseconds so that a lossy column would show.
 */
abstract class RecordStoreContract {
    static final Instant T0 = Instant.parse("2026-12-04T10:00:00.123456789Z");
    static final String FP_A = "sha-256 " + "AB:".repeat(31) + "AB";
    static final String FP_B = "sha-256 " + "CD:".repeat(31) + "CD";

    SqlRecordStore records;
    SqlConsultationRepository consultations;
    SqlAuditLog audit;
    AccountId doctor;

    abstract StoreDatabase database() throws Exception;

    @BeforeEach
    void openDatabase() throws Exception {
        StoreDatabase database = database();
        database.migrate();
        SqlAccess sql = new SqlAccess(database);
        records = new SqlRecordStore(sql);
        consultations = new SqlConsultationRepository(sql);
        audit = new SqlAuditLog(sql);
        Account account = new Account(AccountId.random(), LoginName.of("dr.weber"), DisplayName.of("Dr. Weber"),
                Role.DOCTOR);
        new SqlAccountRepository(sql).insert(new StoredAccount(account, "$argon2id$v=19$m=64,t=2,p=1$c2FsdA$dGFn"));
        doctor = account.id();
    }

    Consultation consultation() {
        Consultation c = new Consultation(ConsultationId.random(), doctor, new ConsultationTarget.Patient(
                Optional.empty()), ConsultationState.SCHEDULED, T0, T0.plus(Duration.ofHours(24)), Optional.empty());
        consultations.insert(c);
        return c;
    }

    static SignalRequest.MediaReport relay() {
        return new SignalRequest.MediaReport("relay", "tcp", "relay", "host", FP_A, FP_B);
    }

    @Test
    void eventsAndMediaReportsAreReadBackInTheirOrderWithNanosecondTimesAndOnlyForTheirConsultation() {
        Consultation one = consultation();
        Consultation other = consultation();
        List<RecordEvent> events = List.of(
                new RecordEvent(T0, RecordEvent.Kind.DOCTOR_JOINED, Party.DOCTOR, "", ""),
                new RecordEvent(T0.plusNanos(1), RecordEvent.Kind.PATIENT_JOINED, Party.PATIENT,
                        "0b9e2f7c-52a4-4f0e-9a77-3b8f6f0d2c11", ""),
                new RecordEvent(T0.plusSeconds(5), RecordEvent.Kind.RUNG, Party.PATIENT, "", "audio-only"),
                new RecordEvent(T0.minusSeconds(1), RecordEvent.Kind.ENDED, Party.BROKER, "", "access-expired"));
        events.forEach(e -> records.append(one.id(), e));
        records.append(other.id(), new RecordEvent(T0, RecordEvent.Kind.DOCTOR_LEFT, Party.DOCTOR, "", ""));
        MediaEntry media = new MediaEntry(T0.plusMillis(1500), Party.DOCTOR, relay(), MediaEntry.Fingerprints.MATCH);
        MediaEntry direct = new MediaEntry(T0.plusMillis(1501), Party.PATIENT, new SignalRequest.MediaReport(
                "direct", "udp", "host", "prflx", FP_B, FP_A), MediaEntry.Fingerprints.MISMATCH);
        records.append(one.id(), media);
        records.append(one.id(), direct);

        RecordContent read = records.read(one.id());
        assertEquals(events, read.events(), "insertion order, not time order; nanoseconds kept");
        assertEquals(List.of(media, direct), read.media());
        assertEquals(1, records.read(other.id()).events().size());
        assertTrue(records.read(other.id()).media().isEmpty());
        assertEquals(new RecordContent(List.of(), List.of()), records.read(ConsultationId.random()));
    }

    @Test
    void theRecordIsDeletedWithItsConsultationAndOnlyThen() {
        Consultation old = consultation();
        Consultation recent = consultation();
        records.append(old.id(), new RecordEvent(T0, RecordEvent.Kind.ENDED, Party.DOCTOR, "", "ended-by-doctor"));
        records.append(old.id(), new MediaEntry(T0, Party.DOCTOR, relay(), MediaEntry.Fingerprints.UNKNOWN));
        records.append(recent.id(), new RecordEvent(T0, RecordEvent.Kind.DOCTOR_JOINED, Party.DOCTOR, "", ""));
        consultations.update(old.withState(ConsultationState.ENDED, T0));
        consultations.update(recent.withState(ConsultationState.ENDED, T0.plus(Duration.ofDays(30))));

        assertEquals(1, consultations.deleteEndedBefore(T0.plus(Duration.ofDays(1))));
        assertEquals(new RecordContent(List.of(), List.of()), records.read(old.id()));
        assertEquals(1, records.read(recent.id()).events().size());
    }

    @Test
    void auditEntriesKeepTheirConsultationAndAreReadNewestFirstByPageAndByConsultation() {
        ConsultationId one = ConsultationId.random();
        ConsultationId two = ConsultationId.random();
        AuditActor doctorActor = AuditActor.account(doctor);
        audit.record(new AuditEvent(T0, doctorActor, AuditAction.CONSULTATION_CREATED, "consultation:" + one, ""));
        audit.record(new AuditEvent(T0.plusNanos(1), AuditActor.patient(one), AuditAction.RESUMED,
                "participant:x", ""));
        audit.record(new AuditEvent(T0.plusNanos(2), doctorActor, AuditAction.VITALS_VIEWED, "kiosk:k", "",
                two.toString()));
        audit.record(new AuditEvent(T0.plusNanos(3), AuditActor.system(), AuditAction.LOGIN, "login:x", ""));
        audit.record(new AuditEvent(T0.plusNanos(4), doctorActor, AuditAction.RECORD_EXPORTED, "consultation:" + one,
                "3 events", one.toString()));

        List<AuditEntry> first = audit.page(new AuditQuery(2, OptionalLong.empty(), ""));
        assertEquals(List.of(AuditAction.RECORD_EXPORTED, AuditAction.LOGIN),
                first.stream().map(e -> e.event().action()).toList());
        assertTrue(first.get(0).position() > first.get(1).position());
        List<AuditEntry> second = audit.page(new AuditQuery(2, OptionalLong.of(first.get(1).position()), ""));
        assertEquals(List.of(AuditAction.VITALS_VIEWED, AuditAction.RESUMED),
                second.stream().map(e -> e.event().action()).toList());
        assertEquals(two.toString(), second.get(0).event().consultation());
        assertEquals(one.toString(), second.get(1).event().consultation(), "a patient's entry names its consultation");
        assertEquals(T0.plusNanos(2), second.get(0).event().at());

        List<AuditEntry> ofOne = audit.page(new AuditQuery(10, OptionalLong.empty(), one.toString()));
        assertEquals(List.of(AuditAction.RECORD_EXPORTED, AuditAction.RESUMED, AuditAction.CONSULTATION_CREATED),
                ofOne.stream().map(e -> e.event().action()).toList());
        assertEquals("", audit.page(new AuditQuery(1, OptionalLong.of(first.get(0).position()), "")).getFirst()
                .event().consultation(), "a login concerns no consultation");
    }
}
