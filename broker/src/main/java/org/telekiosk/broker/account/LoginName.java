package org.telekiosk.broker.account;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name an account logs in with, e.g. {@code dr.weber}: 3 to 64 characters of lower-case ASCII letters, digits,
 * {@code . _ @ -}, starting and ending with a letter or digit. Input is trimmed and lower-cased, so
 * {@code " Dr.Weber"} and {@code "dr.weber"} are one name; ASCII only, so no look-alike Unicode names.
 */
public record LoginName(String value) {
    private static final Pattern SHAPE = Pattern.compile("[a-z0-9][a-z0-9._@-]{1,62}[a-z0-9]");

    public LoginName {
        Objects.requireNonNull(value, "login name");
        if (!SHAPE.matcher(value).matches()) {
            throw new IllegalArgumentException("login name must be 3-64 of a-z, 0-9 and . _ @ -, starting and"
                    + " ending with a letter or digit");
        }
    }

    /** Trims and lower-cases {@code input}, then validates it. */
    public static LoginName of(String input) {
        Objects.requireNonNull(input, "login name");
        return new LoginName(input.strip().toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return value;
    }
}
