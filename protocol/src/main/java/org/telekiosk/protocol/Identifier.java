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
                    kind + " '" + printable(value) + "' is invalid: expected " + expected);
        }
        return value;
    }

    /** Echo untrusted input safely in an error message: bounded and without control characters. */
    static String printable(String value) {
        String cut = value.length() > 40 ? value.substring(0, 40) + "…" : value;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
