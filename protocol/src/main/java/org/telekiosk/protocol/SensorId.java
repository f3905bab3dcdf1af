package org.telekiosk.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Which sensor on a kiosk took a reading, e.g. {@code mlx90614} or {@code max30102-1}: 1 to 32 characters of
 * lower-case ASCII letters, digits and hyphens, starting with a letter or digit.
 */
public record SensorId(@JsonValue String value) {
    public SensorId {
        Identifier.require("sensor id", value, SensorId::fits, "1-32 of a-z, 0-9 and '-', e.g. 'mlx90614'");
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static SensorId of(String value) {
        return new SensorId(value);
    }

    /** The shape {@code [a-z0-9][a-z0-9-]{0,31}}. */
    static boolean fits(String value) {
        int length = value.length();
        if (length < 1 || length > 32 || !Identifier.isLowerOrDigit(value.charAt(0))) {
            return false;
        }
        for (int i = 1; i < length; i++) {
            char c = value.charAt(i);
            if (c != '-' && !Identifier.isLowerOrDigit(c)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return value;
    }
}
