package org.telekiosk.broker.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telekiosk.broker.testing.Outcomes.done;
import static org.telekiosk.broker.testing.Outcomes.refusal;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.AccountId;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.account.SqlAccountRepository;
import org.telekiosk.broker.account.StoredAccount;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.InMemoryAuditLog;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.consultation.ConsultationPolicy;
import org.telekiosk.broker.consultation.ConsultationService;
import org.telekiosk.broker.consultation.ConsultationStores;
import org.telekiosk.broker.consultation.ConsultationTarget;
import org.telekiosk.broker.consultation.Joined;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.broker.consultation.SqlConsultationRepository;
import org.telekiosk.broker.consultation.SqlJoinCodeRepository;
import org.telekiosk.broker.consultation.SqlSeatRepository;
import org.telekiosk.broker.consultation.WaitingRoom;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.store.StoreDatabase;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.downlink.Command;
import org.telekiosk.protocol.downlink.CommandKind;
import org.telekiosk.protocol.telemetry.CommandUpdate;

/** Measurement commands on a real SQLite store with a clock the test moves: who may, states, expiry, duplicates. */
class CommandServiceTest {
    static final KioskId KIOSK = KioskId.of("wmk-lab-03");

    @TempDir
    Path dir;

    final MutableClock clock = MutableClock.startingAt("2026-11-22T10:00:00Z");
    final InMemoryAuditLog audit = new InMemoryAuditLog();
    final List<Command> published = new ArrayList<>();
    final List<Duration> expiries = new ArrayList<>();
    boolean mqttUp = true;
    ConsultationService consultations;
    WaitingRoom waitingRoom;
    CommandService commands;
    SqlCommandRepository repository;
    Caller.Staff doctor;
    Caller.Staff otherDoctor;
    Caller.Staff technician;

    @BeforeEach
    void open() {
        StoreDatabase database = StoreDatabase.sqlite(dir.resolve("telekiosk.db"));
        database.migrate();
        SqlAccess sql = new SqlAccess(database);
        SqlAccountRepository accounts = new SqlAccountRepository(sql);
        doctor = staff(accounts, "dr.weber", Role.DOCTOR);
        otherDoctor = staff(accounts, "dr.schulz", Role.DOCTOR);
        technician = staff(accounts, "tech.meyer", Role.TECHNICIAN);
        ConsultationStores stores = new ConsultationStores(new SqlConsultationRepository(sql),
                new SqlSeatRepository(sql), new SqlJoinCodeRepository(sql), new SecureRandom(), audit, clock);
        consultations = new ConsultationService(stores, ConsultationPolicy.DEFAULT, clock);
        waitingRoom = new WaitingRoom(stores, accounts, clock);
        repository = new SqlCommandRepository(sql);
        commands = new CommandService(consultations, repository, (command, expiry) -> {
            if (!mqttUp) {
                return CompletableFuture.failedFuture(new IllegalStateException("not connected"));
            }
            published.add(command);
            expiries.add(expiry);
            return CompletableFuture.completedFuture(null);
        }, audit, Runnable::run, clock);
    }

    private static Caller.Staff staff(SqlAccountRepository accounts, String login, Role role) {
        Account account = new Account(AccountId.random(), LoginName.of(login), DisplayName.of(login), role);
        accounts.insert(new StoredAccount(account, "$argon2id$unused"));
        return new Caller.Staff(account);
    }

    /** A room consultation whose kiosk's patient the doctor admitted. */
    private Consultation inCall() {
        Consultation room = done(consultations.create(doctor, new ConsultationTarget.Room(KIOSK), Optional.empty()));
        Joined joined = done(waitingRoom.callIn(new Caller.Kiosk(KIOSK), Optional.empty()));
        done(waitingRoom.admit(doctor, room.id(), joined.participant()));
        return room;
    }

    private CommandRecord issue(Consultation c, CommandKind kind) {
        return done(commands.issue(doctor, c.id(), kind, kind == CommandKind.ECG ? 30 : 0,
                Optional.of(Duration.ofSeconds(60))));
    }

    private CommandRecord stored(CommandRecord c) {
        return repository.find(c.id()).orElseThrow();
    }

    @Test
    void aDoctorsCommandIsKeptQueuedAndPublishedWithItsRemainingLifetimeAsExpiry() {
        Consultation c = inCall();
        CommandRecord issued = issue(c, CommandKind.BLOOD_PRESSURE);

        assertEquals(CommandStatus.QUEUED, issued.status());
        assertEquals(KIOSK, issued.kiosk());
        assertEquals(List.of(issued.toCommand()), published);
        assertEquals(List.of(Duration.ofSeconds(60)), expiries);
        assertTrue(stored(issued).published());
        assertEquals(List.of(stored(issued)), done(commands.list(doctor, c.id())));
        assertTrue(audit.events().stream().anyMatch(e -> e.action() == AuditAction.COMMAND_ISSUED
                && e.consultation().equals(c.id().toString())), "audited with the consultation");
    }

    @Test
    void theKiosksReportsMoveItThroughRunningToDoneWithItsResultAndARepeatChangesNothing() {
        Consultation c = inCall();
        CommandRecord issued = issue(c, CommandKind.TEMPERATURE);
        CommandUpdate running = CommandUpdate.running(KIOSK, issued.id(), clock.instant());
        commands.report(running);
        assertEquals(CommandStatus.RUNNING, stored(issued).status());
        clock.advance(Duration.ofSeconds(3));
        CommandUpdate done = CommandUpdate.done(KIOSK, issued.id(), List.of(17L), clock.instant());
        commands.report(done);
        commands.report(running);
        commands.report(done);

        CommandRecord finished = stored(issued);
        assertEquals(CommandStatus.DONE, finished.status());
        assertEquals(List.of(17L), finished.resultSeqs());
        assertEquals(clock.instant(), finished.updatedAt());
    }

    @Test
    void aSensorFailureIsKeptWithItsReason() {
        Consultation c = inCall();
        CommandRecord issued = issue(c, CommandKind.WEIGHT);
        commands.report(CommandUpdate.running(KIOSK, issued.id(), clock.instant()));
        commands.report(CommandUpdate.failed(KIOSK, issued.id(), "scale absent", clock.instant()));
        assertEquals(CommandStatus.FAILED, stored(issued).status());
        assertEquals("scale absent", stored(issued).reason());
    }

    @Test
    void aQueuedCommandExpiresByTheBrokersClockAndALateRunningDoesNotReviveIt() {
        Consultation c = inCall();
        CommandRecord issued = issue(c, CommandKind.BLOOD_PRESSURE);
        clock.advance(Duration.ofSeconds(59));
        assertEquals(0, commands.tick());
        assertEquals(CommandStatus.QUEUED, stored(issued).status());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(1, commands.tick());
        assertEquals(CommandStatus.EXPIRED, stored(issued).status());

        commands.report(CommandUpdate.running(KIOSK, issued.id(), clock.instant()));
        assertEquals(CommandStatus.EXPIRED, stored(issued).status());
        // A late result is kept so that the doctor sees it; the state stays EXPIRED.
        commands.report(CommandUpdate.done(KIOSK, issued.id(), List.of(5L, 6L), clock.instant()));
        assertEquals(CommandStatus.EXPIRED, stored(issued).status());
        assertEquals(List.of(5L, 6L), stored(issued).resultSeqs());
    }

    @Test
    void aRunningCommandMayFinishAfterItsExpiryButFailsWithoutAResultInTime() {
        Consultation c = inCall();
        CommandRecord ecg = issue(c, CommandKind.ECG);
        commands.report(CommandUpdate.running(KIOSK, ecg.id(), clock.instant()));
        clock.advance(Duration.ofSeconds(60));
        commands.tick();
        assertEquals(CommandStatus.RUNNING, stored(ecg).status());
        clock.advance(Duration.ofSeconds(30).plus(CommandService.RESULT_GRACE));
        commands.tick();
        assertEquals(CommandStatus.FAILED, stored(ecg).status());
        assertEquals("no result from the kiosk in time", stored(ecg).reason());
    }

    @Test
    void theKioskReportingExpiredIsKept() {
        Consultation c = inCall();
        CommandRecord issued = issue(c, CommandKind.WEIGHT);
        commands.report(CommandUpdate.expired(KIOSK, issued.id(), clock.instant()));
        assertEquals(CommandStatus.EXPIRED, stored(issued).status());
    }

    @Test
    void oneCommandOfAKindAtATimePerKiosk() {
        Consultation c = inCall();
        CommandRecord first = issue(c, CommandKind.BLOOD_PRESSURE);
        assertInstanceOf(Refusal.Conflict.class, refusal(commands.issue(doctor, c.id(), CommandKind.BLOOD_PRESSURE,
                0, Optional.empty())));
        issue(c, CommandKind.WEIGHT);
        commands.report(CommandUpdate.failed(KIOSK, first.id(), "cuff leak", clock.instant()));
        issue(c, CommandKind.BLOOD_PRESSURE);
    }

    @Test
    void aCommandNotTakenByTheMqttBrokerIsSentAgainUntilItExpires() {
        Consultation c = inCall();
        mqttUp = false;
        CommandRecord issued = issue(c, CommandKind.TEMPERATURE);
        assertTrue(!stored(issued).published());
        mqttUp = true;
        clock.advance(Duration.ofSeconds(20));
        commands.tick();
        assertEquals(List.of(issued.toCommand()), published);
        assertEquals(List.of(Duration.ofSeconds(40)), expiries);
        assertTrue(stored(issued).published());
        commands.tick();
        assertEquals(1, published.size());
    }

    @Test
    void aReportOnAnotherKiosksCommandIsIgnored() {
        Consultation c = inCall();
        CommandRecord issued = issue(c, CommandKind.TEMPERATURE);
        commands.report(CommandUpdate.running(KioskId.of("wmk-lab-04"), issued.id(), clock.instant()));
        assertEquals(CommandStatus.QUEUED, stored(issued).status());
    }

    @Test
    void onlyTheConsultationsDoctorMayAndOnlyWhileAKioskIsInTheCall() {
        Consultation room = done(consultations.create(doctor, new ConsultationTarget.Room(KIOSK), Optional.empty()));
        assertInstanceOf(Refusal.Conflict.class, refusal(commands.issue(doctor, room.id(), CommandKind.WEIGHT, 0,
                Optional.empty())));
        Consultation patient = done(consultations.create(doctor, new ConsultationTarget.Patient(Optional.empty()),
                Optional.empty()));
        assertInstanceOf(Refusal.Conflict.class, refusal(commands.issue(doctor, patient.id(), CommandKind.WEIGHT, 0,
                Optional.empty())));
        Joined waiting = done(waitingRoom.callIn(new Caller.Kiosk(KIOSK), Optional.empty()));
        assertInstanceOf(Refusal.Conflict.class, refusal(commands.issue(doctor, room.id(), CommandKind.WEIGHT, 0,
                Optional.empty())), "waiting is not in the call");

        done(waitingRoom.admit(doctor, room.id(), waiting.participant()));
        Consultation c = room;
        assertInstanceOf(Refusal.NotFound.class, refusal(commands.issue(otherDoctor, c.id(), CommandKind.WEIGHT, 0,
                Optional.empty())));
        assertInstanceOf(Refusal.Forbidden.class, refusal(commands.issue(technician, c.id(), CommandKind.WEIGHT, 0,
                Optional.empty())));
        assertInstanceOf(Refusal.NotAuthenticated.class, refusal(commands.issue(new Caller.Anonymous(), c.id(),
                CommandKind.WEIGHT, 0, Optional.empty())));
        assertInstanceOf(Refusal.Forbidden.class, refusal(commands.issue(new Caller.Kiosk(KIOSK), c.id(),
                CommandKind.WEIGHT, 0, Optional.empty())));
        assertInstanceOf(Refusal.NotFound.class, refusal(commands.list(otherDoctor, c.id())));
        assertTrue(published.isEmpty());
    }

    @Test
    void outOfBoundsRequestsAreRefused() {
        Consultation c = inCall();
        assertInstanceOf(Refusal.InvalidRequest.class, refusal(commands.issue(doctor, c.id(), CommandKind.ECG, 61,
                Optional.empty())));
        assertInstanceOf(Refusal.InvalidRequest.class, refusal(commands.issue(doctor, c.id(), CommandKind.ECG, 0,
                Optional.empty())));
        assertInstanceOf(Refusal.InvalidRequest.class, refusal(commands.issue(doctor, c.id(), CommandKind.WEIGHT, 5,
                Optional.empty())));
        assertInstanceOf(Refusal.InvalidRequest.class, refusal(commands.issue(doctor, c.id(), CommandKind.WEIGHT, 0,
                Optional.of(Duration.ZERO))), "a command already expired when issued");
        assertInstanceOf(Refusal.InvalidRequest.class, refusal(commands.issue(doctor, c.id(), CommandKind.WEIGHT, 0,
                Optional.of(Duration.ofSeconds(-5)))));
        assertInstanceOf(Refusal.InvalidRequest.class, refusal(commands.issue(doctor, c.id(), CommandKind.WEIGHT, 0,
                Optional.of(Duration.ofHours(2)))));
        assertTrue(published.isEmpty());
    }
}
