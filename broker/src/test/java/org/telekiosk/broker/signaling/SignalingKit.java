package org.telekiosk.broker.signaling;

import static org.telekiosk.broker.testing.Outcomes.done;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.AccountId;
import org.telekiosk.broker.account.ClientAddress;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.InMemoryAccountRepository;
import org.telekiosk.broker.account.InMemorySessionRepository;
import org.telekiosk.broker.account.LockoutPolicy;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.account.SessionPolicy;
import org.telekiosk.broker.account.Sessions;
import org.telekiosk.broker.account.StoredAccount;
import org.telekiosk.broker.audit.InMemoryAuditLog;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.consultation.CodeGuessingLimiter;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.consultation.ConsultationPolicy;
import org.telekiosk.broker.consultation.ConsultationService;
import org.telekiosk.broker.consultation.ConsultationStores;
import org.telekiosk.broker.consultation.ConsultationTarget;
import org.telekiosk.broker.consultation.InMemoryConsultationRepository;
import org.telekiosk.broker.consultation.InMemoryJoinCodeRepository;
import org.telekiosk.broker.consultation.InMemorySeatRepository;
import org.telekiosk.broker.consultation.JoinCodeHasher;
import org.telekiosk.broker.consultation.JoinCodes;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.consultation.Reconnects;
import org.telekiosk.broker.consultation.WaitingRoom;
import org.telekiosk.broker.telemetry.KioskStatusBoard;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.broker.turn.IceConfig;
import org.telekiosk.broker.turn.IceServers;
import org.telekiosk.broker.turn.TurnSecret;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.signaling.Credential;
import org.telekiosk.protocol.signaling.SignalRequest;

/**
 * The signaling service wired to the real account and consultation services with in-memory stores and a clock the
 * test moves; staff accounts of every role with a login session each. Also used by the adapter and browser tests.
 */
public final class SignalingKit {
    public static final ClientAddress PATIENT_ADDRESS = ClientAddress.parse("192.0.2.33");

    public final MutableClock clock;
    public final SecureRandom random = new SecureRandom();
    public final InMemoryAccountRepository accounts = new InMemoryAccountRepository();
    public final Sessions sessions;
    public final ConsultationPolicy policy = ConsultationPolicy.DEFAULT;
    public final ConsultationStores stores;
    /** The seats (as the database would hold them). */
    public final InMemorySeatRepository seats = new InMemorySeatRepository();
    public final ConsultationService consultations;
    public final JoinCodes codes;
    public final WaitingRoom waitingRoom;
    public final Reconnects reconnects;
    public final SignalingService service;
    /** The kiosks' latest statuses, as MQTT would feed them: the sensors the doctor sees. */
    public final KioskStatusBoard statuses =
            new KioskStatusBoard();

    public final Staff doctor;
    public final Staff otherDoctor;
    public final Staff technician;
    public final Staff admin;

    /** A staff account and its login session token. */
    public record Staff(Caller.Staff caller, OpaqueToken session) {
        public Account account() {
            return caller.account();
        }
    }

    public SignalingKit() {
        this(MutableClock.startingAt("2026-03-02T08:00:00Z"), SignalingConfig.DEFAULT,
                new IceConfig(List.of("stun:stun.example:3478"), List.of("turn:turn.example:3478?transport=udp"),
                        "all", Duration.ofHours(1), Optional.empty()));
    }

    public SignalingKit(MutableClock clock, SignalingConfig config, IceConfig ice) {
        this.clock = clock;
        sessions = new Sessions(new InMemorySessionRepository(), accounts, SessionPolicy.DEFAULT, random, clock);
        stores = new ConsultationStores(new InMemoryConsultationRepository(), seats,
                new InMemoryJoinCodeRepository(), random, new InMemoryAuditLog(), clock);
        consultations = new ConsultationService(stores, policy, clock);
        codes = new JoinCodes(stores, JoinCodeHasher.withRandomKey(random),
                new CodeGuessingLimiter(clock, LockoutPolicy.JOIN_CODE, 20, Duration.ofMinutes(15), Duration.ofSeconds(60)), policy, random,
                clock);
        waitingRoom = new WaitingRoom(stores, accounts, clock);
        reconnects = new Reconnects(stores, policy, random, clock);
        IceServers iceServers = new IceServers(ice,
                ice.turnUrls().isEmpty() ? Optional.empty() : Optional.of(TurnSecret.of("test-secret-0123456789")),
                clock);
        service = new SignalingService(sessions, consultations, waitingRoom, codes, reconnects, iceServers, policy,
                config, clock, statuses::latest);
        stores.calls().subscribeEnds(service);
        doctor = staff("dr.weber", "Dr. Anna Weber", Role.DOCTOR);
        otherDoctor = staff("dr.schulz", "Dr. Jonas Schulz", Role.DOCTOR);
        technician = staff("tech.meyer", "Kai Meyer", Role.TECHNICIAN);
        admin = staff("admin", "Admin", Role.ADMIN);
    }

    public Staff staff(String login, String name, Role role) {
        Account account = new Account(AccountId.random(), LoginName.of(login), DisplayName.of(name), role);
        accounts.insert(new StoredAccount(account, "$argon2id$unused-in-these-tests"));
        return new Staff(new Caller.Staff(account), sessions.start(account.id()).token());
    }

    public Consultation consultation(Staff by) {
        return done(consultations.create(by.caller(), new ConsultationTarget.Patient(
                Optional.of(DisplayName.of("Frau Koch"))), Optional.empty()));
    }

    /** A room consultation of {@code by} for {@code kiosk}: its kiosk page calls the patient in without a code. */
    public Consultation roomConsultation(Staff by, KioskId kiosk) {
        return done(consultations.create(by.caller(), new ConsultationTarget.Room(kiosk), Optional.empty()));
    }

    /** A kiosk page session of {@code kiosk}, as its page holds it in the {@code tk_session} cookie. */
    public OpaqueToken kioskPageSession(KioskId kiosk) {
        return sessions.startKiosk(kiosk).token();
    }

    /** A new join code for {@code consultation}, as the patient types it. */
    public String code(Staff by, Consultation consultation) {
        return done(codes.issue(by.caller(), consultation.id())).code().formatted();
    }

    public static SignalRequest.Hello doctorHello(Staff staff, Consultation consultation) {
        return doctorHello(staff, consultation, 1);
    }

    public static SignalRequest.Hello doctorHello(Staff staff, Consultation consultation, int version) {
        return new SignalRequest.Hello(version, new Credential.Session(staff.session().value(),
                consultation.id().toString()));
    }

    public static SignalRequest.Hello codeHello(String code) {
        return codeHello(code, 1);
    }

    public static SignalRequest.Hello codeHello(String code, int version) {
        return new SignalRequest.Hello(version, new Credential.Code(code, ""));
    }
}
