package org.telekiosk.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/**
 * Which sensor on a kiosk took a reading, e.g. {@code mlx90614} or {@code max30102-1}: 1 to 32 characters of
 * lower-case ASCII letters, digits and hyphens, starting with a letter or digit.
 */
public record SensorId(@JsonValue String value) {
    private static final Pattern SHAPE = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    public SensorId {
        Identifier.require("sensor id", value, SHAPE, "1-32 of a-z, 0-9 and '-', e.g. 'mlx90614'");
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static SensorId of(String value) {
        return new SensorId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
