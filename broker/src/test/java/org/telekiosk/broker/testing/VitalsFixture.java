package org.telekiosk.broker.testing;

import static org.telekiosk.broker.testing.Outcomes.done;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.AccountCreation;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.account.Password;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.request.ConsultationId;
import org.telekiosk.broker.consultation.ConsultationTarget;
import org.telekiosk.broker.consultation.Joined;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.server.AccessServices;
import org.telekiosk.protocol.KioskId;

/**
 * Puts a kiosk "in the call" through a running broker's own services, for tests of the vitals socket: accounts with
 * login sessions, a room consultation for the kiosk, the kiosk's patient called in and admitted. (The kiosk page's
 * own login is another change; until then tests call {@code WaitingRoom.callIn} in-process.)
 */
public final class VitalsFixture {
    /** The password of every account made here. */
    public static final String PASSWORD = "a long test passphrase";
    private static final Map<AccessServices, Account> ADMINS = new ConcurrentHashMap<>();

    private VitalsFixture() {}

    /** An account of {@code role} (made by the broker's first admin, itself made on first use). */
    public static Account account(AccessServices services, String login, Role role) {
        Account admin = admin(services);
        if (role == Role.ADMIN && login.equals("admin")) {
            return admin;
        }
        return created(services.accounts().createAccount(admin, LoginName.of(login), DisplayName.of("Test " + login),
                role, Password.of(PASSWORD)));
    }

    /** The broker's first admin. */
    public static Account admin(AccessServices services) {
        return ADMINS.computeIfAbsent(services, s -> created(s.accounts().createFirstAdmin(LoginName.of("admin"),
                DisplayName.of("Admin"), Password.of(PASSWORD))));
    }

    /** A fresh login session of {@code account}. */
    public static OpaqueToken login(AccessServices services, Account account) {
        return services.sessions().start(account.id()).token();
    }

    /** A room consultation of {@code doctor} for {@code kiosk}, nobody waiting yet. */
    public static Consultation room(AccessServices services, Account doctor, KioskId kiosk) {
        return done(services.consultations().create(new Caller.Staff(doctor), new ConsultationTarget.Room(kiosk),
                Optional.empty()));
    }

    /** The patient at {@code kiosk} called in to its room's consultation and admitted by {@code doctor}. */
    public static Joined admitAtKiosk(AccessServices services, Account doctor, ConsultationId consultation,
            KioskId kiosk) {
        Joined joined = done(services.waitingRoom().callIn(new Caller.Kiosk(kiosk),
                Optional.of(DisplayName.of("Frau Koch"))));
        done(services.waitingRoom().admit(new Caller.Staff(doctor), consultation, joined.participant()));
        return joined;
    }

    /** A room consultation of {@code doctor} with the patient at {@code kiosk} in its call. */
    public static Consultation inCall(AccessServices services, Account doctor, KioskId kiosk) {
        Consultation consultation = room(services, doctor, kiosk);
        admitAtKiosk(services, doctor, consultation.id(), kiosk);
        return consultation;
    }

    /** The vitals {@code hello} with a session token for {@code consultation}. */
    public static String hello(OpaqueToken session, ConsultationId consultation) {
        return "{\"type\":\"hello\",\"protocolVersion\":2,\"credential\":{\"kind\":\"session\",\"token\":\""
                + session.value() + "\",\"consultation\":\"" + consultation + "\"}}";
    }

    private static Account created(AccountCreation creation) {
        if (creation instanceof AccountCreation.Created created) {
            return created.account();
        }
        throw new AssertionError("account not created: " + creation);
    }
}
