package org.telekiosk.broker.browser;

import java.util.Optional;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.AccountId;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.LoginName;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.account.StoredAccount;
import org.telekiosk.broker.consultation.Caller;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.consultation.ConsultationTarget;
import org.telekiosk.broker.consultation.Outcome;
import org.telekiosk.broker.server.ConsultationServices;

/**
 * A doctor with a login session, a consultation and a join code, made through the broker's own services. The REST API
 * of issue 3 (login, consultations, codes) is built on another branch; once merged, the browser tests log in through
 * the doctor console's form instead.
 */
record ConsultationFixture(OpaqueToken session, Consultation consultation, String code) {
    static ConsultationFixture create(ConsultationServices services, String login) {
        Account doctor = new Account(AccountId.random(), LoginName.of(login), DisplayName.of("Dr. Anna Weber"),
                Role.DOCTOR);
        services.accounts().insert(new StoredAccount(doctor, "$argon2id$not-used-by-this-test"));
        OpaqueToken session = services.sessions().start(doctor.id()).token();
        Caller caller = new Caller.Staff(doctor);
        Consultation consultation = done(services.consultations().create(caller,
                new ConsultationTarget.Patient(Optional.of(DisplayName.of("Frau Koch"))), Optional.empty()));
        String code = done(services.codes().issue(caller, consultation.id())).code().formatted();
        return new ConsultationFixture(session, consultation, code);
    }

    static <T> T done(Outcome<T> outcome) {
        return switch (outcome) {
            case Outcome.Done<T> done -> done.value();
            case Outcome.Refused<T> refused -> throw new AssertionError("refused: " + refused.refusal());
        };
    }
}
