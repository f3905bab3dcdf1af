package org.telekiosk.broker.browser;

import java.util.Optional;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.AccountCreation;
import org.telekiosk.broker.account.ClientAddress;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.LoginResult;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.account.Password;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.consultation.Caller;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.consultation.ConsultationTarget;
import org.telekiosk.broker.consultation.Outcome;
import org.telekiosk.broker.server.AccessServices;

/**
 * A doctor with a login session, a consultation and a join code, made through the broker's own services (the
 * browser tests that log in through the doctor console's form do not need this).
 */
record ConsultationFixture(OpaqueToken session, Consultation consultation, String code) {
    static final String PASSWORD = "Fixture-Passwort-2026!";
    private static final String ADMIN = "fixture-admin";

    /** Creates the doctor {@code login} (and, the first time on this broker, an admin to create them). */
    static ConsultationFixture create(AccessServices services, String login) {
        Account admin = switch (services.accounts().createFirstAdmin(LoginName.of(ADMIN), DisplayName.of("Admin"),
                Password.of(PASSWORD))) {
            case AccountCreation.Created created -> created.account();
            default -> services.accounts().list(adminLookingUp(services)).orElseThrow().stream()
                    .filter(a -> a.role() == Role.ADMIN).findFirst().orElseThrow();
        };
        Account doctor = services.accounts().list(admin).orElseThrow().stream()
                .filter(a -> a.loginName().equals(LoginName.of(login))).findFirst()
                .orElseGet(() -> ((AccountCreation.Created) services.accounts().createAccount(admin,
                        LoginName.of(login), DisplayName.of("Dr. Anna Weber"), Role.DOCTOR, Password.of(PASSWORD)))
                        .account());
        OpaqueToken session = switch (services.logins().login(LoginName.of(login), Password.of(PASSWORD),
                ClientAddress.parse("127.0.0.1"))) {
            case LoginResult.LoggedIn in -> in.token();
            default -> throw new AssertionError("the fixture doctor could not log in");
        };
        Caller caller = new Caller.Staff(doctor);
        Consultation consultation = done(services.consultations().create(caller,
                new ConsultationTarget.Patient(Optional.of(DisplayName.of("Frau Koch"))), Optional.empty()));
        String code = done(services.codes().issue(caller, consultation.id())).code().formatted();
        return new ConsultationFixture(session, consultation, code);
    }

    /** The fixture admin, found by logging in (the list of accounts needs an admin to ask). */
    private static Account adminLookingUp(AccessServices services) {
        return switch (services.logins().login(LoginName.of(ADMIN), Password.of(PASSWORD),
                ClientAddress.parse("127.0.0.1"))) {
            case LoginResult.LoggedIn in -> in.account();
            default -> throw new AssertionError("the fixture admin could not log in");
        };
    }

    static <T> T done(Outcome<T> outcome) {
        return switch (outcome) {
            case Outcome.Done<T> done -> done.value();
            case Outcome.Refused<T> refused -> throw new AssertionError("refused: " + refused.refusal());
        };
    }
}
