package org.telekiosk.broker.account;

/** One reason a new password is refused, with a message that can be shown to the person choosing it. */
public record PasswordProblem(Kind kind, String message) {
    public enum Kind { TOO_SHORT, TOO_LONG, SAME_AS_LOGIN_NAME }
}
