package org.telekiosk.broker.consultation;

import static org.telekiosk.broker.testing.Outcomes.done;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.AccountId;
import org.telekiosk.broker.account.ClientAddress;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.InMemoryAccountRepository;
import org.telekiosk.broker.account.LockoutPolicy;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.account.StoredAccount;
import org.telekiosk.broker.audit.InMemoryAuditLog;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.protocol.KioskId;

/** The consultation services wired with in-memory stores and a clock the test moves; accounts for each role. */
final class ConsultationTestKit {
    static final KioskId KIOSK = KioskId.of("wmk-lab-03");
    static final ClientAddress KIOSK_ADDRESS = ClientAddress.parse("192.0.2.33");

    final MutableClock clock = MutableClock.startingAt("2026-03-02T08:00:00Z");
    final SecureRandom random = new SecureRandom();
    final InMemoryAuditLog audit = new InMemoryAuditLog();
    final InMemoryAccountRepository accounts = new InMemoryAccountRepository();
    final InMemorySeatRepository seatStore = new InMemorySeatRepository();
    final InMemoryJoinCodeRepository codeStore = new InMemoryJoinCodeRepository();
    final ConsultationPolicy policy = ConsultationPolicy.DEFAULT;
    final ConsultationStores stores = new ConsultationStores(new InMemoryConsultationRepository(), seatStore,
            codeStore, random, audit, clock);
    final CodeGuessingLimiter limiter = new CodeGuessingLimiter(clock, LockoutPolicy.JOIN_CODE, 20,
            Duration.ofMinutes(15), Duration.ofSeconds(60));
    final ConsultationService consultations = new ConsultationService(stores, policy, clock);
    final JoinCodes codes = new JoinCodes(stores, JoinCodeHasher.withRandomKey(random), limiter, policy, random,
            clock);
    final WaitingRoom waitingRoom = new WaitingRoom(stores, accounts, clock);
    final Reconnects reconnects = new Reconnects(stores, policy, random, clock);

    final Caller.Staff doctor = staff("dr.weber", "Dr. Anna Weber", Role.DOCTOR);
    final Caller.Staff otherDoctor = staff("dr.schulz", "Dr. Jonas Schulz", Role.DOCTOR);
    final Caller.Staff technician = staff("tech.meyer", "Kai Meyer", Role.TECHNICIAN);
    final Caller.Staff admin = staff("admin", "Admin", Role.ADMIN);

    private Caller.Staff staff(String login, String name, Role role) {
        Account account = new Account(AccountId.random(), LoginName.of(login), DisplayName.of(name), role);
        accounts.insert(new StoredAccount(account, "$argon2id$unused-in-these-tests"));
        return new Caller.Staff(account);
    }

    Consultation patientConsultation(Caller.Staff by) {
        return done(consultations.create(by, new ConsultationTarget.Patient(Optional.of(DisplayName.of("Frau Koch"))),
                Optional.empty()));
    }

    Consultation roomConsultation(Caller.Staff by) {
        return done(consultations.create(by, new ConsultationTarget.Room(KIOSK), Optional.empty()));
    }

    IssuedCode issue(Caller.Staff by, Consultation consultation) {
        return done(codes.issue(by, consultation.id()));
    }

    Joined redeem(IssuedCode code) {
        return done(codes.redeem(code.code().formatted(), KIOSK_ADDRESS, Optional.empty()));
    }

    /** A patient of {@code consultation} waiting in its waiting room. */
    Joined waitingPatient(Consultation consultation) {
        return redeem(issue(doctor, consultation));
    }

    static Caller.Patient caller(Joined joined) {
        return new Caller.Patient(joined.consultation(), joined.participant());
    }

    ConsultationState state(Consultation consultation) {
        return stores.consultations().find(consultation.id()).orElseThrow().state();
    }
}
