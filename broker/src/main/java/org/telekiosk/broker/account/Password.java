package org.telekiosk.broker.account;

import java.util.Objects;

/**
 * A password as typed, held only long enough to check it against the policy or a hash. It never prints itself, so a
 * stray log statement or exception message cannot leak it.
 */
public final class Password {
    private final String value;

    private Password(String value) {
        this.value = value;
    }

    public static Password of(String value) {
        return new Password(Objects.requireNonNull(value, "password"));
    }

    String value() {
        return value;
    }

    /** The length in Unicode code points, which is what a person counts. */
    public int length() {
        return value.codePointCount(0, value.length());
    }

    @Override
    public String toString() {
        return "Password(redacted)";
    }
}
