package org.telekiosk.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The identity of one kiosk, e.g. {@code wmk-lab-03}: 3 to 40 characters of lower-case ASCII letters, digits and
 * single hyphens, starting with a letter and not ending with a hyphen. The same string is a kiosk's MQTT topic
 * segment, so it can never contain {@code /}, {@code +} or {@code #}.
 */
public record KioskId(@JsonValue String value) {
    public KioskId {
        Identifier.require("kiosk id", value, KioskId::fits,
                "3-40 of a-z, 0-9 and single '-', starting with a letter, e.g. 'wmk-lab-03'");
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static KioskId of(String value) {
        return new KioskId(value);
    }

    /** The shape {@code [a-z](?:[a-z0-9]|-(?=[a-z0-9])){2,39}}: a hyphen only between two letters or digits. */
    static boolean fits(String value) {
        int length = value.length();
        if (length < 3 || length > 40) {
            return false;
        }
        char first = value.charAt(0);
        if (first < 'a' || first > 'z') {
            return false;
        }
        for (int i = 1; i < length; i++) {
            char c = value.charAt(i);
            if (c == '-') {
                if (i + 1 == length || !Identifier.isLowerOrDigit(value.charAt(i + 1))) {
                    return false;
                }
            } else if (!Identifier.isLowerOrDigit(c)) {
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
