package org.telekiosk.broker.account;

import java.util.Objects;

/**
 * A name shown to people, e.g. "Dr. Anna Weber" or a patient's first name: 1 to 100 characters after trimming, no
 * control characters (it ends up in pages, logs and audit entries).
 */
public record DisplayName(String value) {
    public DisplayName {
        Objects.requireNonNull(value, "display name");
        if (value.isBlank() || !value.equals(value.strip())) {
            throw new IllegalArgumentException("display name must not be blank or have surrounding spaces");
        }
        if (value.codePointCount(0, value.length()) > 100) {
            throw new IllegalArgumentException("display name must be at most 100 characters");
        }
        if (value.codePoints().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("display name must not contain control characters");
        }
    }

    /** Trims {@code input}, then validates it. */
    public static DisplayName of(String input) {
        Objects.requireNonNull(input, "display name");
        return new DisplayName(input.strip());
    }

    @Override
    public String toString() {
        return value;
    }
}
