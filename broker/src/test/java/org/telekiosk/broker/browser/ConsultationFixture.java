package org.telekiosk.broker.browser;

import static org.telekiosk.broker.testing.Outcomes.done;

import java.util.Optional;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.AccountCreation;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.account.Password;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.consultation.ConsultationTarget;
import org.telekiosk.broker.request.Outcome;
import org.telekiosk.broker.server.AccessServices;
import org.telekiosk.broker.testing.VitalsFixture;

/**
 * Accounts, and a consultation with a login session and a join code, made through a running broker's own services
 * (for the tests and the benchmark that do not exercise the console's login and creation forms).
 */
public record ConsultationFixture(OpaqueToken session, Consultation consultation, String code) {
    /** The password of every account made here. */
    static final String PASSWORD = "a long test passphrase";

    /**
     * A doctor account with {@link #PASSWORD}, made by the broker's first admin ({@link VitalsFixture#admin}: one
     * first admin per broker, whichever fixture asks first).
     */
    public static Account doctor(AccessServices services, String login) {
        Account admin = VitalsFixture.admin(services);
        return created(services.accounts().createAccount(admin, LoginName.of(login), DisplayName.of("Dr. Anna Weber"),
                Role.DOCTOR, Password.of(PASSWORD)));
    }

    /** A technician account with {@link #PASSWORD}, made by the broker's first admin. */
    static Account technician(AccessServices services, String login) {
        Account admin = VitalsFixture.admin(services);
        return created(services.accounts().createAccount(admin, LoginName.of(login), DisplayName.of("Tom Meyer"),
                Role.TECHNICIAN, Password.of(PASSWORD)));
    }

    public static ConsultationFixture create(AccessServices services, Account doctor) {
        OpaqueToken session = services.sessions().start(doctor.id()).token();
        Caller caller = new Caller.Staff(doctor);
        Consultation consultation = done(services.consultations().create(caller,
                new ConsultationTarget.Patient(Optional.of(DisplayName.of("Frau Koch"))), Optional.empty()));
        String code = done(services.codes().issue(caller, consultation.id())).code().formatted();
        return new ConsultationFixture(session, consultation, code);
    }

    private static Account created(AccountCreation creation) {
        if (creation instanceof AccountCreation.Created created) {
            return created.account();
        }
        throw new AssertionError("account not created: " + creation);
    }
}
