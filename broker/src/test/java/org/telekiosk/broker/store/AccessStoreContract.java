package org.telekiosk.broker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telekiosk.broker.testing.Outcomes.done;
import static org.telekiosk.broker.testing.Outcomes.refusal;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.AccountId;
import org.telekiosk.broker.account.AccountRepository.InsertResult;
import org.telekiosk.broker.account.ClientAddress;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LockoutPolicy;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.account.SecretHash;
import org.telekiosk.broker.account.SessionPrincipal;
import org.telekiosk.broker.account.SessionRecord;
import org.telekiosk.broker.account.SqlAccountRepository;
import org.telekiosk.broker.account.SqlSessionRepository;
import org.telekiosk.broker.account.StoredAccount;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.audit.AuditEvent;
import org.telekiosk.broker.audit.SqlAuditLog;
import org.telekiosk.broker.consultation.CallPeriod;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.consultation.CodeGuessingLimiter;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.consultation.ConsultationPolicy;
import org.telekiosk.broker.consultation.ConsultationService;
import org.telekiosk.broker.consultation.ConsultationState;
import org.telekiosk.broker.consultation.ConsultationStores;
import org.telekiosk.broker.consultation.ConsultationTarget;
import org.telekiosk.broker.consultation.IssuedCode;
import org.telekiosk.broker.consultation.JoinCodeHasher;
import org.telekiosk.broker.consultation.JoinCodeRecord;
import org.telekiosk.broker.consultation.JoinCodes;
import org.telekiosk.broker.consultation.Joined;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.request.ParticipantId;
import org.telekiosk.broker.consultation.DeviceReadiness;
import org.telekiosk.broker.consultation.Reconnects;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.broker.consultation.Seat;
import org.telekiosk.broker.consultation.SqlConsultationRepository;
import org.telekiosk.broker.consultation.SqlJoinCodeRepository;
import org.telekiosk.broker.consultation.SqlSeatRepository;
import org.telekiosk.broker.consultation.WaitingRoom;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.protocol.KioskId;

/**
 * What the SQL repositories of accounts, sessions, consultations, join codes, seats and the audit log must do on
 * every database: subclasses say where it is. Instants carry nanoseconds so that a lossy column would show.
 */
abstract class AccessStoreContract {
    static final Instant T0 = Instant.parse("2026-11-22T10:00:00.123456789Z");
    static final KioskId KIOSK = KioskId.of("wmk-lab-03");

    final MutableClock clock = new MutableClock(T0);
    final SecureRandom random = new SecureRandom();
    SqlAccess sql;
    SqlAccountRepository accounts;
    SqlSessionRepository sessions;
    SqlConsultationRepository consultations;
    SqlJoinCodeRepository codes;
    SqlSeatRepository seats;
    SqlAuditLog audit;

    /** A fresh, empty database for one test. */
    abstract StoreDatabase database() throws Exception;

    @BeforeEach
    void openDatabase() throws Exception {
        StoreDatabase database = database();
        database.migrate();
        reopen(database);
    }

    /** New repository objects on the same database, as after a broker restart. */
    void reopen(StoreDatabase database) {
        sql = new SqlAccess(database);
        accounts = new SqlAccountRepository(sql);
        sessions = new SqlSessionRepository(sql);
        consultations = new SqlConsultationRepository(sql);
        codes = new SqlJoinCodeRepository(sql);
        seats = new SqlSeatRepository(sql);
        audit = new SqlAuditLog(sql);
    }

    static StoredAccount account(String login, Role role) {
        return new StoredAccount(new Account(AccountId.random(), LoginName.of(login), DisplayName.of("Dr. " + login),
                role), "$argon2id$v=19$m=64,t=2,p=1$c2FsdA$dGFn-" + login);
    }

    Consultation consultation(AccountId doctor, ConsultationTarget target, Instant createdAt) {
        Consultation c = new Consultation(ConsultationId.random(), doctor, target, ConsultationState.SCHEDULED,
                createdAt, createdAt.plus(Duration.ofHours(24)), Optional.empty());
        consultations.insert(c);
        return c;
    }

    Seat seat(ConsultationId consultation, String name, Instant at) {
        Seat seat = new Seat(ParticipantId.random(), consultation, DisplayName.of(name), Optional.of(KIOSK),
                Seat.Status.WAITING, SecretHash.sha256(name.getBytes()), DeviceReadiness.UNKNOWN, at, Optional.empty());
        seats.insert(seat);
        return seat;
    }

    @Test
    void anAccountIsFoundByLoginNameAndIdAndALoginNameIsTakenOnce() {
        StoredAccount weber = account("dr.weber", Role.DOCTOR);
        assertEquals(InsertResult.INSERTED, accounts.insert(weber));
        assertEquals(InsertResult.LOGIN_NAME_TAKEN, accounts.insert(account("dr.weber", Role.ADMIN)));

        assertEquals(Optional.of(weber), accounts.findByLoginName(LoginName.of("Dr.Weber")));
        assertEquals(Optional.of(weber), accounts.findById(weber.account().id()));
        assertEquals(Optional.empty(), accounts.findByLoginName(LoginName.of("dr.schulz")));
        accounts.updatePasswordHash(weber.account().id(), "$argon2id$new");
        assertEquals("$argon2id$new", accounts.findById(weber.account().id()).orElseThrow().passwordHash());
    }

    @Test
    void onlyTheFirstAdminIsInsertedWhenSeveralRaceForIt() throws Exception {
        accounts.insert(account("dr.weber", Role.DOCTOR));
        int racers = 6;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<InsertResult>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(racers)) {
            for (int i = 0; i < racers; i++) {
                StoredAccount admin = account("admin" + i, Role.ADMIN);
                Callable<InsertResult> race = () -> {
                    start.await();
                    return accounts.insertIfNoAccountHas(Role.ADMIN, admin);
                };
                results.add(pool.submit(race));
            }
            start.countDown();
            List<InsertResult> outcomes = new ArrayList<>();
            for (Future<InsertResult> result : results) {
                outcomes.add(result.get());
            }
            assertEquals(1, outcomes.stream().filter(r -> r == InsertResult.INSERTED).count(), outcomes::toString);
            assertEquals(racers - 1, outcomes.stream().filter(r -> r == InsertResult.ROLE_ALREADY_PRESENT).count());
        }
        assertEquals(2, accounts.all().size());
        assertTrue(accounts.anyAccountHas(Role.ADMIN));
        assertFalse(accounts.anyAccountHas(Role.TECHNICIAN));
    }

    @Test
    void everyAccountIsListedByLoginName() {
        accounts.insert(account("tech.meyer", Role.TECHNICIAN));
        accounts.insert(account("admin", Role.ADMIN));
        accounts.insert(account("dr.weber", Role.DOCTOR));

        assertEquals(List.of("admin", "dr.weber", "tech.meyer"),
                accounts.all().stream().map(a -> a.loginName().value()).toList());
    }

    @Test
    void aSessionIsTouchedDeletedAndPurgedWhenExpiredOrIdle() {
        AccountId weber = insertDoctor("dr.weber");
        AccountId schulz = insertDoctor("dr.schulz");
        SessionRecord fresh = new SessionRecord(SecretHash.sha256(new byte[] {1}), weber, T0, T0,
                T0.plus(Duration.ofHours(12)));
        SessionRecord idle = new SessionRecord(SecretHash.sha256(new byte[] {2}), weber, T0, T0.minusSeconds(3600),
                T0.plus(Duration.ofHours(12)));
        SessionRecord expired = new SessionRecord(SecretHash.sha256(new byte[] {3}), schulz, T0.minusSeconds(99),
                T0.minusSeconds(9), T0);
        List.of(fresh, idle, expired).forEach(sessions::insert);

        sessions.touch(fresh.tokenHash(), T0.plusSeconds(5));
        assertEquals(Optional.of(fresh.touchedAt(T0.plusSeconds(5))), sessions.find(fresh.tokenHash()));
        assertEquals(2, sessions.deleteStale(T0, T0.minus(Duration.ofMinutes(30))));
        assertEquals(Optional.empty(), sessions.find(idle.tokenHash()));
        assertEquals(1, sessions.deleteAllOf(weber));
        assertFalse(sessions.delete(fresh.tokenHash()));
    }

    @Test
    void aKioskPageSessionBelongsToItsKioskAloneAndEndsWithIt() {
        AccountId weber = insertDoctor("dr.weber");
        SessionRecord staff = new SessionRecord(SecretHash.sha256(new byte[] {1}), weber, T0, T0,
                T0.plus(Duration.ofHours(12)));
        SessionRecord page = new SessionRecord(SecretHash.sha256(new byte[] {2}),
                new SessionPrincipal.OfKiosk(KIOSK), T0, T0, T0.plus(Duration.ofHours(12)));
        List.of(staff, page).forEach(sessions::insert);

        assertEquals(Optional.of(page), sessions.find(page.tokenHash()));
        assertEquals(Optional.of(staff), sessions.find(staff.tokenHash()));
        assertEquals(0, sessions.deleteAllOf(KioskId.of("wmk-other-1")));
        assertEquals(1, sessions.deleteAllOf(KIOSK));
        assertEquals(Optional.empty(), sessions.find(page.tokenHash()));
        assertEquals(Optional.of(staff), sessions.find(staff.tokenHash()));
    }

    @Test
    void consultationsOfBothTargetsComeBackAsTheyWentInAndListNewestFirst() {
        AccountId doctor = insertDoctor("dr.weber");
        Consultation room = consultation(doctor, new ConsultationTarget.Room(KIOSK), T0);
        Consultation named = consultation(doctor,
                new ConsultationTarget.Patient(Optional.of(DisplayName.of("Frau Koch"))), T0.plusSeconds(1));
        Consultation unnamed = consultation(doctor, new ConsultationTarget.Patient(Optional.empty()),
                T0.plusSeconds(2));

        assertEquals(Optional.of(room), consultations.find(room.id()));
        assertEquals(List.of(unnamed, named, room), consultations.listOf(doctor));
        Consultation ended = room.withState(ConsultationState.ENDED, T0.plusSeconds(3));
        consultations.update(ended);
        assertEquals(Optional.of(ended), consultations.find(room.id()));
        assertEquals(List.of(), consultations.listOf(insertDoctor("dr.schulz")));
    }

    @Test
    void onlyOpenRoomsWithinTheirWindowAreFoundForAKioskAndExpiredOnesAreListedForEnding() {
        AccountId doctor = insertDoctor("dr.weber");
        Consultation old = consultation(doctor, new ConsultationTarget.Room(KIOSK), T0.minus(Duration.ofHours(25)));
        Consultation ended = consultation(doctor, new ConsultationTarget.Room(KIOSK), T0.minusSeconds(10));
        consultations.update(ended.withState(ConsultationState.ENDED, T0));
        Consultation open = consultation(doctor, new ConsultationTarget.Room(KIOSK), T0.minusSeconds(5));
        consultation(doctor, new ConsultationTarget.Room(KioskId.of("wmk-lab-04")), T0);

        assertEquals(List.of(open), consultations.openRoomsOf(KIOSK, T0));
        assertEquals(List.of(old), consultations.openButExpired(T0));
        assertEquals(1, consultations.deleteEndedBefore(T0.plusSeconds(1)));
        assertEquals(Optional.empty(), consultations.find(ended.id()));
    }

    @Test
    void callPeriodsKeepTheirKioskAndTimesEndOnceAndGoWithTheirConsultation() {
        AccountId doctor = insertDoctor("dr.weber");
        Consultation c = consultation(doctor, new ConsultationTarget.Room(KIOSK), T0);
        Consultation other = consultation(doctor, new ConsultationTarget.Room(KIOSK), T0);
        Seat first = seat(c.id(), "Anna", T0);
        Seat browser = new Seat(ParticipantId.random(), c.id(), DisplayName.of("Ben"), Optional.empty(),
                Seat.Status.WAITING, SecretHash.sha256(new byte[] {7}), DeviceReadiness.UNKNOWN, T0, Optional.empty());
        Seat elsewhere = seat(other.id(), "Mia", T0);

        consultations.callStarted(first, T0.plusSeconds(1));
        consultations.callEnded(c.id(), Optional.of(first.id()), T0.plusSeconds(60));
        consultations.callEnded(c.id(), Optional.of(first.id()), T0.plusSeconds(90));
        consultations.callStarted(browser, T0.plusSeconds(100));
        consultations.callStarted(elsewhere, T0.plusSeconds(100));
        consultations.callEnded(c.id(), Optional.empty(), T0.plusSeconds(200));

        assertEquals(List.of(
                new CallPeriod(c.id(), first.id(), Optional.of(KIOSK), T0.plusSeconds(1),
                        Optional.of(T0.plusSeconds(60))),
                new CallPeriod(c.id(), browser.id(), Optional.empty(), T0.plusSeconds(100),
                        Optional.of(T0.plusSeconds(200)))), consultations.calls(c.id()));
        assertEquals(List.of(new CallPeriod(other.id(), elsewhere.id(), Optional.of(KIOSK), T0.plusSeconds(100),
                Optional.empty())), consultations.calls(other.id()));
        assertEquals(List.of(new CallPeriod(other.id(), elsewhere.id(), Optional.of(KIOSK), T0.plusSeconds(100),
                Optional.empty())), consultations.openCallsAt(KIOSK), "only calls still open, of any consultation");
        assertEquals(List.of(), consultations.openCallsAt(KioskId.of("other-kiosk")));
        consultations.update(c.withState(ConsultationState.ENDED, T0.plusSeconds(200)));
        assertEquals(1, consultations.deleteEndedBefore(T0.plusSeconds(201)));
        assertEquals(List.of(), consultations.calls(c.id()));
    }

    @Test
    void aCallEndedByAClockThatSteppedBackEndsWhenItBegan() {
        Consultation c = consultation(insertDoctor("dr.weber"), new ConsultationTarget.Room(KIOSK), T0);
        Seat seat = seat(c.id(), "Anna", T0);
        consultations.callStarted(seat, T0.plusSeconds(10));
        consultations.callEnded(c.id(), Optional.empty(), T0.plusSeconds(5));

        assertEquals(Optional.of(T0.plusSeconds(10)), consultations.calls(c.id()).getFirst().leftAt());
    }

    @Test
    void aJoinCodeIsRedeemedOnceEvenWhenTwoKiosksRaceWithIt() throws Exception {
        AccountId doctor = insertDoctor("dr.weber");
        Consultation c = consultation(doctor, new ConsultationTarget.Patient(Optional.empty()), T0);
        JoinCodeRecord code = new JoinCodeRecord(SecretHash.sha256(new byte[] {7}), c.id(), doctor, T0,
                T0.plusSeconds(60), Optional.empty());
        assertTrue(codes.insert(code));
        assertFalse(codes.insert(code), "a colliding hash is refused, so that another code is drawn");
        assertEquals(Optional.of(code), codes.find(code.codeHash()));

        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Boolean>> attempts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Instant at = T0.plusSeconds(i);
                attempts.add(pool.submit(() -> {
                    start.await();
                    return codes.markRedeemed(code.codeHash(), at);
                }));
            }
            start.countDown();
            int won = 0;
            for (Future<Boolean> attempt : attempts) {
                won += attempt.get() ? 1 : 0;
            }
            assertEquals(1, won);
        }
        assertTrue(codes.find(code.codeHash()).orElseThrow().redeemedAt().isPresent());
    }

    @Test
    void codesAreRevokedWithTheirConsultationAndPurgedWhenExpired() {
        AccountId doctor = insertDoctor("dr.weber");
        Consultation a = consultation(doctor, new ConsultationTarget.Patient(Optional.empty()), T0);
        Consultation b = consultation(doctor, new ConsultationTarget.Patient(Optional.empty()), T0);
        codes.insert(new JoinCodeRecord(SecretHash.sha256(new byte[] {1}), a.id(), doctor, T0, T0.plusSeconds(9),
                Optional.empty()));
        codes.insert(new JoinCodeRecord(SecretHash.sha256(new byte[] {2}), a.id(), doctor, T0, T0.plusSeconds(9),
                Optional.empty()));
        codes.insert(new JoinCodeRecord(SecretHash.sha256(new byte[] {3}), b.id(), doctor, T0, T0.plusSeconds(1),
                Optional.empty()));
        codes.insert(new JoinCodeRecord(SecretHash.sha256(new byte[] {4}), b.id(), doctor, T0, T0.plusSeconds(2),
                Optional.empty()));

        assertEquals(2, codes.deleteAllOf(a.id()));
        assertEquals(1, codes.deleteExpired(T0.plusSeconds(1)));
        assertTrue(codes.find(SecretHash.sha256(new byte[] {4})).isPresent());
    }

    @Test
    void seatsListInArrivalOrderEvenWithinOneClockTickAndKeepTheirReadiness() {
        AccountId doctor = insertDoctor("dr.weber");
        Consultation c = consultation(doctor, new ConsultationTarget.Room(KIOSK), T0);
        List<Seat> arrived = new ArrayList<>();
        for (String name : List.of("Zoe", "Anna", "Mia", "Ben")) {
            arrived.add(seat(c.id(), name, T0));
        }
        assertEquals(arrived, seats.listOf(c.id()));

        Seat ready = new Seat(arrived.get(1).id(), c.id(), arrived.get(1).name(), Optional.empty(),
                Seat.Status.IN_CALL, SecretHash.sha256(new byte[] {9}), new DeviceReadiness(true, true,
                OptionalInt.of(42)), T0, Optional.of(T0.plusSeconds(3)));
        seats.update(ready);
        Seat updated = seats.find(ready.id()).orElseThrow();
        assertEquals(ready.readiness(), updated.readiness());
        assertEquals(Seat.Status.IN_CALL, updated.status());
        assertEquals(Optional.of(updated), seats.findByResumeToken(SecretHash.sha256(new byte[] {9})));
        assertEquals(List.of(updated), seats.disconnectedSince(T0.plusSeconds(3)));
        assertEquals(List.of(), seats.disconnectedSince(T0.plusSeconds(2)));
    }

    @Test
    void afterARestartEverySeatThatWasConnectedStartsItsGracePeriod() {
        AccountId doctor = insertDoctor("dr.weber");
        Consultation c = consultation(doctor, new ConsultationTarget.Room(KIOSK), T0);
        Seat connected = seat(c.id(), "Anna", T0);
        Seat dropped = seat(c.id(), "Ben", T0);
        seats.update(new Seat(dropped.id(), c.id(), dropped.name(), dropped.kiosk(), dropped.status(),
                dropped.resumeTokenHash(), dropped.readiness(), T0, Optional.of(T0.plusSeconds(1))));

        assertEquals(1, seats.disconnectAllConnected(T0.plusSeconds(5)));
        assertEquals(Optional.of(T0.plusSeconds(5)), seats.find(connected.id()).orElseThrow().disconnectedAt());
        assertEquals(Optional.of(T0.plusSeconds(1)), seats.find(dropped.id()).orElseThrow().disconnectedAt());
        assertTrue(seats.delete(connected.id()));
        assertEquals(1, seats.deleteAllOf(c.id()));
    }

    @Test
    void aNodesRestartStartsTheGracePeriodOnlyOfTheSeatsItsSocketsHeld() {
        AccountId doctor = insertDoctor("dr.weber");
        Consultation c = consultation(doctor, new ConsultationTarget.Room(KIOSK), T0);
        Seat onA = seat(c.id(), "Anna", T0);
        Seat onB = seat(c.id(), "Ben", T0);
        Seat nowhere = seat(c.id(), "Mia", T0); // before V10, or a single node: no node recorded
        seats.heldOn(onA.id(), "node-a");
        seats.heldOn(onB.id(), "node-b");

        assertEquals(2, seats.disconnectAllConnected(T0.plusSeconds(5), "node-a"));
        assertEquals(Optional.of(T0.plusSeconds(5)), seats.find(onA.id()).orElseThrow().disconnectedAt());
        assertEquals(Optional.of(T0.plusSeconds(5)), seats.find(nowhere.id()).orElseThrow().disconnectedAt());
        assertEquals(Optional.empty(), seats.find(onB.id()).orElseThrow().disconnectedAt(), "node B's call goes on");
    }

    @Test
    void aResumeSpendsTheTokenOnceEvenWhenTwoNodesTryAtOnce() {
        AccountId doctor = insertDoctor("dr.weber");
        Consultation c = consultation(doctor, new ConsultationTarget.Room(KIOSK), T0);
        Seat seat = seat(c.id(), "Anna", T0);
        Seat first = new Seat(seat.id(), c.id(), seat.name(), seat.kiosk(), seat.status(),
                SecretHash.sha256(new byte[] {1}), seat.readiness(), T0, Optional.empty());
        Seat second = new Seat(seat.id(), c.id(), seat.name(), seat.kiosk(), seat.status(),
                SecretHash.sha256(new byte[] {2}), seat.readiness(), T0, Optional.empty());

        assertTrue(seats.resume(first, seat.resumeTokenHash()));
        assertFalse(seats.resume(second, seat.resumeTokenHash()), "the token was spent by the first");
        assertEquals(first.resumeTokenHash(), seats.find(seat.id()).orElseThrow().resumeTokenHash());
    }

    @Test
    void aReleasedSeatsResumeTokenIsKnownAsReleasedUntilItsConsultationIsDeleted() {
        AccountId doctor = insertDoctor("dr.weber");
        Consultation c = consultation(doctor, new ConsultationTarget.Room(KIOSK), T0);
        Seat left = seat(c.id(), "Anna", T0);
        Seat first = seat(c.id(), "Ben", T0);
        Seat second = seat(c.id(), "Mia", T0);

        assertTrue(seats.release(left.id(), T0.plusSeconds(1)));
        assertFalse(seats.release(left.id(), T0.plusSeconds(2)), "released once");
        assertTrue(seats.find(left.id()).isEmpty());
        assertTrue(seats.isReleased(left.resumeTokenHash()));
        assertFalse(seats.isReleased(first.resumeTokenHash()), "a seat still held is not released");

        assertEquals(2, seats.releaseAllOf(c.id(), T0.plusSeconds(3)));
        assertEquals(List.of(), seats.listOf(c.id()));
        assertTrue(seats.isReleased(first.resumeTokenHash()) && seats.isReleased(second.resumeTokenHash()));

        consultations.update(c.withState(ConsultationState.ENDED, T0.plusSeconds(3)));
        assertEquals(1, consultations.deleteEndedBefore(T0.plusSeconds(4)));
        assertFalse(seats.isReleased(left.resumeTokenHash()), "kept only as long as its consultation");
    }

    @Test
    void theAuditLogKeepsTheOrderOfRecordingAndIsPurgedByAge() {
        AuditEvent first = new AuditEvent(T0, AuditActor.system(), AuditAction.FIRST_ADMIN_CREATED, "account:x", "");
        AuditEvent second = new AuditEvent(T0, AuditActor.client("192.0.2.1"), AuditAction.LOGIN_FAILED,
                "login:dr.weber", "wrong password");
        AuditEvent later = new AuditEvent(T0.plusSeconds(60), AuditActor.account("y"), AuditAction.LOGOUT,
                "login:dr.weber", "");
        List.of(first, second, later).forEach(audit::record);

        assertEquals(List.of(first, second, later), audit.since(T0));
        assertEquals(List.of(later), audit.since(T0.plusNanos(1)));
        assertEquals(2, audit.purgeBefore(T0.plusSeconds(60)));
        assertEquals(List.of(later), audit.since(Instant.EPOCH));
    }

    @Test
    void aConsultationCarriedThroughTheServicesSurvivesARestartWithItsSeatsAndSpentCode() throws Exception {
        AccountId doctorId = insertDoctor("dr.weber");
        Caller.Staff doctor = new Caller.Staff(accounts.findById(doctorId).orElseThrow().account());
        JoinCodeHasher hasher = JoinCodeHasher.withRandomKey(random);
        Services before = new Services(hasher);
        Consultation c = done(before.consultations.create(doctor,
                new ConsultationTarget.Patient(Optional.of(DisplayName.of("Frau Koch"))), Optional.empty()));
        IssuedCode code = done(before.codes.issue(doctor, c.id()));
        ClientAddress kiosk = ClientAddress.parse("192.0.2.33");
        Joined joined = done(before.codes.redeem(code.code().formatted(), kiosk, Optional.empty()));
        done(before.waitingRoom.admit(doctor, c.id(), joined.participant()));

        reopen(database());
        Services after = new Services(hasher);
        assertEquals(ConsultationState.IN_CALL, done(after.consultations.get(doctor, c.id())).state());
        assertInstanceOf(Refusal.InvalidCode.class, refusal(after.codes.redeem(code.code().formatted(), kiosk,
                Optional.empty())), "a spent code stays spent after a restart");
        assertEquals(1, seats.disconnectAllConnected(clock.instant()));
        clock.advance(Duration.ofSeconds(10));
        assertEquals(Seat.Status.IN_CALL, done(after.reconnects.resume(joined.resumeToken(), 3)).seat().status());
        done(after.consultations.end(doctor, c.id()));
        assertEquals(List.of(), seats.listOf(c.id()));
        assertTrue(audit.since(T0).stream().anyMatch(e -> e.action() == AuditAction.CONSULTATION_ENDED));
    }

    /** The consultation services on this test's SQL repositories. */
    private final class Services {
        final ConsultationService consultations;
        final JoinCodes codes;
        final WaitingRoom waitingRoom;
        final Reconnects reconnects;

        Services(JoinCodeHasher hasher) {
            ConsultationStores stores = new ConsultationStores(AccessStoreContract.this.consultations, seats,
                    AccessStoreContract.this.codes, random, audit, clock);
            consultations = new ConsultationService(stores, ConsultationPolicy.DEFAULT, clock);
            codes = new JoinCodes(stores, hasher, new CodeGuessingLimiter(clock, LockoutPolicy.JOIN_CODE, 20,
                    Duration.ofMinutes(15), Duration.ofSeconds(60)), ConsultationPolicy.DEFAULT, random, clock);
            waitingRoom = new WaitingRoom(stores, accounts, clock);
            reconnects = new Reconnects(stores, ConsultationPolicy.DEFAULT, random, clock);
        }
    }

    private AccountId insertDoctor(String login) {
        StoredAccount doctor = account(login, Role.DOCTOR);
        accounts.insert(doctor);
        return doctor.account().id();
    }
}
