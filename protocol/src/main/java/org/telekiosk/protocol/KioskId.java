package org.telekiosk.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/**
 * The identity of one kiosk, e.g. {@code wmk-lab-03}: 3 to 40 characters of lower-case ASCII letters, digits and
 * single hyphens, starting with a letter and not ending with a hyphen. The same string is a kiosk's MQTT topic
 * segment, so it can never contain {@code /}, {@code +} or {@code #}.
 */
public record KioskId(@JsonValue String value) {
    private static final Pattern SHAPE = Pattern.compile("[a-z](?:[a-z0-9]|-(?=[a-z0-9])){2,39}");

    public KioskId {
        Identifier.require("kiosk id", value, SHAPE,
                "3-40 of a-z, 0-9 and single '-', starting with a letter, e.g. 'wmk-lab-03'");
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static KioskId of(String value) {
        return new KioskId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
