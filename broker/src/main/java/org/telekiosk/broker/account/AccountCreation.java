package org.telekiosk.broker.account;

import java.util.List;

/** The answer to creating an account. */
public sealed interface AccountCreation {
    record Created(Account account) implements AccountCreation {}

    /** The password breaks the {@link PasswordPolicy}; each problem has a message for the person choosing it. */
    record WeakPassword(List<PasswordProblem> problems) implements AccountCreation {
        public WeakPassword {
            problems = List.copyOf(problems);
        }
    }

    record LoginNameTaken() implements AccountCreation {}

    /** The caller may not create this account (not an admin, or a first admin exists already). */
    record NotAllowed(String reason) implements AccountCreation {}
}
