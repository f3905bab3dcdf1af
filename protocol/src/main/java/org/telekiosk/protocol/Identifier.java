package org.telekiosk.protocol;

/**
 * Shared validation for the token-shaped identifiers of the protocol. The shapes are checked character by character,
 * not with a regular expression: every kiosk message carries several identifiers, and a {@code Matcher} per identifier
 * was a measurable part of what the broker allocates per reading (docs/benchmarks.md, issue 16).
 */
final class Identifier {
    private Identifier() {}

    /** Whether a string has an identifier's shape. */
    @FunctionalInterface
    interface Shape {
        boolean fits(String value);
    }

    static String require(String kind, String value, Shape shape, String expected) {
        if (value == null) {
            throw new IllegalArgumentException(kind + " is missing");
        }
        if (!shape.fits(value)) {
            throw new IllegalArgumentException(
                    kind + " '" + Untrusted.printable(value, 40) + "' is invalid: expected " + expected);
        }
        return value;
    }

    static boolean isLowerOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || isDigit(c);
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
