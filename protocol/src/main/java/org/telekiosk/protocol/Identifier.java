package org.telekiosk.protocol;

import java.util.regex.Pattern;

/** Shared validation for the token-shaped identifiers of the protocol. */
final class Identifier {
    private Identifier() {}

    static String require(String kind, String value, Pattern pattern, String expected) {
        if (value == null) {
            throw new IllegalArgumentException(kind + " is missing");
        }
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    kind + " '" + Untrusted.printable(value, 40) + "' is invalid: expected " + expected);
        }
        return value;
    }
}
