package org.telekiosk.broker.account;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a new password must satisfy, following NIST SP 800-63B §3.1.1.2 and the OWASP Authentication Cheat Sheet:
 * a minimum length (at least 12 here; long passphrases welcome), a generous maximum (so that the hash cannot be used
 * to burn CPU with megabytes of input), not the login name; no composition rules, since they push people to
 * predictable patterns. Every character counts, spaces and Unicode included.
 *
 * @param minLength at least 12 code points
 * @param maxLength at least 64 code points (OWASP), at most 1024
 */
public record PasswordPolicy(int minLength, int maxLength) {
    public static final PasswordPolicy DEFAULT = new PasswordPolicy(12, 256);

    public PasswordPolicy {
        if (minLength < 12) {
            throw new IllegalArgumentException("password minimum length must be at least 12, was " + minLength);
        }
        if (maxLength < Math.max(64, minLength) || maxLength > 1024) {
            throw new IllegalArgumentException("password maximum length must be in [max(64, minimum), 1024], was "
                    + maxLength);
        }
    }

    /** Every problem with {@code password} for an account called {@code loginName}; empty if it is acceptable. */
    public List<PasswordProblem> check(LoginName loginName, Password password) {
        List<PasswordProblem> problems = new ArrayList<>();
        int length = password.length();
        if (length < minLength) {
            problems.add(new PasswordProblem(PasswordProblem.Kind.TOO_SHORT,
                    "The password must be at least " + minLength + " characters long; it has " + length + "."));
        }
        if (length > maxLength) {
            problems.add(new PasswordProblem(PasswordProblem.Kind.TOO_LONG,
                    "The password must be at most " + maxLength + " characters long; it has " + length + "."));
        }
        if (password.value().strip().toLowerCase(Locale.ROOT).equals(loginName.value())) {
            problems.add(new PasswordProblem(PasswordProblem.Kind.SAME_AS_LOGIN_NAME,
                    "The password must not be the login name."));
        }
        return List.copyOf(problems);
    }
}
