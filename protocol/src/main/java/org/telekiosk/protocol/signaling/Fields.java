package org.telekiosk.protocol.signaling;

import java.util.regex.Pattern;

/** Field checks shared by the signaling records; each message names the field it refuses. */
final class Fields {
    static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");
    static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private Fields() {}

    static String id(String field, String value) {
        if (value == null || !UUID.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be a lower-case UUID");
        }
        return value;
    }

    static String token(String field, String value) {
        if (value == null || !TOKEN.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be 43 characters of base64url");
        }
        return value;
    }

    static String nonce(String value) {
        if (value == null || !NONCE.matcher(value).matches()) {
            throw new IllegalArgumentException("nonce must be 1-64 of A-Z, a-z, 0-9, '_' and '-'");
        }
        return value;
    }

    /** Text of at most {@code max} characters without control characters other than CR, LF and TAB. */
    static String text(String field, String value, int min, int max, boolean multiLine) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        if (value.length() < min || value.length() > max) {
            throw new IllegalArgumentException(field + " must be " + min + ".." + max + " characters, was "
                    + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean allowed = !Character.isISOControl(c) || (multiLine && (c == '\r' || c == '\n' || c == '\t'));
            if (!allowed) {
                throw new IllegalArgumentException(field + " must not contain control characters");
            }
        }
        return value;
    }

    static long seq(long seq) {
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be at least 1, was " + seq);
        }
        return seq;
    }

    static int range(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be " + min + ".." + max + ", was " + value);
        }
        return value;
    }
}
