package org.telekiosk.broker.viewer;

import static org.telekiosk.broker.testing.Outcomes.done;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.AccountId;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.InMemoryAccountRepository;
import org.telekiosk.broker.account.InMemorySessionRepository;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.account.SessionPolicy;
import org.telekiosk.broker.account.Sessions;
import org.telekiosk.broker.account.StoredAccount;
import org.telekiosk.broker.audit.InMemoryAuditLog;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.consultation.ConsultationPolicy;
import org.telekiosk.broker.consultation.ConsultationService;
import org.telekiosk.broker.consultation.ConsultationStores;
import org.telekiosk.broker.consultation.ConsultationTarget;
import org.telekiosk.broker.consultation.InMemoryConsultationRepository;
import org.telekiosk.broker.consultation.InMemoryJoinCodeRepository;
import org.telekiosk.broker.consultation.InMemorySeatRepository;
import org.telekiosk.broker.consultation.Joined;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.consultation.WaitingRoom;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.Measurement;

/**
 * The vitals socket's services on in-memory stores and a fake clock: accounts and sessions, consultations and the
 * waiting room, the hub subscribed to the stores' call events, and {@link VitalsAccess}.
 */
public final class VitalsKit {
    public static final KioskId KIOSK = KioskId.of("wmk-lab-03");
    public static final KioskId OTHER_KIOSK = KioskId.of("wmk-lab-04");

    public final MutableClock clock = MutableClock.startingAt("2026-11-22T10:00:00Z");
    final InMemoryAccountRepository accounts = new InMemoryAccountRepository();
    public final Sessions sessions = new Sessions(new InMemorySessionRepository(), accounts, SessionPolicy.DEFAULT,
            new SecureRandom(), clock);
    final ConsultationStores stores = new ConsultationStores(new InMemoryConsultationRepository(),
            new InMemorySeatRepository(), new InMemoryJoinCodeRepository(), new SecureRandom(),
            new InMemoryAuditLog(), clock);
    public final ConsultationService consultations = new ConsultationService(stores, ConsultationPolicy.DEFAULT, clock);
    public final WaitingRoom waitingRoom = new WaitingRoom(stores, accounts, clock);
    public final ViewerHub hub;
    public final VitalsAccess access = new VitalsAccess(sessions, consultations, clock, new InMemoryAuditLog());

    public final Account doctor = account("dr.weber", Role.DOCTOR);
    public final Account otherDoctor = account("dr.schulz", Role.DOCTOR);
    public final Account technician = account("tech.meyer", Role.TECHNICIAN);
    public final Account admin = account("admin", Role.ADMIN);

    /** With a hub that forwards in place, as text. */
    public VitalsKit() {
        this(new ViewerHub(WireCodec.json(8192)));
    }

    /** With {@code hub}, subscribed to the calls' events. */
    public VitalsKit(ViewerHub hub) {
        this.hub = hub;
        stores.calls().subscribe(hub);
    }

    public Account account(String login, Role role) {
        Account account = new Account(AccountId.random(), LoginName.of(login), DisplayName.of(login), role);
        accounts.insert(new StoredAccount(account, "$argon2id$unused-in-these-tests"));
        return account;
    }

    public OpaqueToken login(Account account) {
        return sessions.start(account.id()).token();
    }

    /** A kiosk page session of {@code kiosk}, as the page gets by redeeming its one-time token. */
    public OpaqueToken kioskPage(KioskId kiosk) {
        return sessions.startKiosk(kiosk).token();
    }

    public Consultation room(Account by, KioskId kiosk) {
        return done(consultations.create(new Caller.Staff(by), new ConsultationTarget.Room(kiosk), Optional.empty()));
    }

    /** The patient at {@code kiosk} called in to its room consultation and admitted. */
    public Joined admit(Account by, Consultation room, KioskId kiosk) {
        Joined joined = done(waitingRoom.callIn(new Caller.Kiosk(kiosk), Optional.empty()));
        done(waitingRoom.admit(new Caller.Staff(by), room.id(), joined.participant()));
        return joined;
    }

    public void leave(Joined joined) {
        done(waitingRoom.leave(new Caller.Patient(joined.consultation(), joined.participant())));
    }

    public void end(Account by, Consultation consultation) {
        done(consultations.end(new Caller.Staff(by), consultation.id()));
    }

    /** A temperature reading of {@code kiosk} taken now (by the kit's clock). */
    public Measurement reading(KioskId kiosk, long seq) {
        return reading(kiosk, seq, clock.instant());
    }

    public static Measurement reading(KioskId kiosk, long seq, Instant takenAt) {
        return new Measurement(kiosk, seq, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, 36.5,
                UcumUnit.CELSIUS, takenAt);
    }

    /** Joins {@code viewer} to the hub as the doctor of {@code consultation}, as the socket does after hello. */
    public void watch(ViewerSession viewer, Consultation consultation) {
        hub.join(viewer, new ViewerPrincipal.Doctor(consultation.id()), access::openCalls);
    }

    /** Joins {@code viewer} to the hub as {@code kiosk}'s own page, as the socket does after a kiosk hello. */
    public void watchAsKioskPage(ViewerSession viewer, KioskId kiosk) {
        hub.join(viewer, new ViewerPrincipal.Kiosk(kiosk), access::openCalls);
    }

    /** A viewer that accepts a fixed number of messages, then reports itself too far behind. */
    public static final class FakeViewer implements ViewerSession {
        public final List<String> received = new ArrayList<>();
        final int capacity;

        public FakeViewer() {
            this(Integer.MAX_VALUE);
        }

        public FakeViewer(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public String id() {
            return "fake";
        }

        @Override
        public synchronized boolean sendText(String json) {
            if (received.size() >= capacity) {
                return false;
            }
            received.add(json);
            return true;
        }

        public synchronized List<String> ofType(String type) {
            return received.stream().filter(m -> m.startsWith("{\"type\":\"" + type + "\"")).toList();
        }
    }
}
