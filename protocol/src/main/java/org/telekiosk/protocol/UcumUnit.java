package org.telekiosk.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A unit in UCUM's case-sensitive syntax, e.g. {@code Cel}, {@code kg}, {@code %}, {@code /min}, {@code mm[Hg]}:
 * 1 to 32 printable ASCII characters without spaces. The protocol checks the shape, not UCUM's full grammar;
 * each sensor documents the unit it sends.
 */
public record UcumUnit(@JsonValue String value) {
    /** Degrees Celsius. */
    public static final UcumUnit CELSIUS = new UcumUnit("Cel");
    /** Kilograms. */
    public static final UcumUnit KILOGRAM = new UcumUnit("kg");
    /** Percent. */
    public static final UcumUnit PERCENT = new UcumUnit("%");
    /** Per minute (beats per minute). */
    public static final UcumUnit PER_MINUTE = new UcumUnit("/min");
    /** Millimetres of mercury. */
    public static final UcumUnit MM_HG = new UcumUnit("mm[Hg]");
    /** Millivolts. */
    public static final UcumUnit MILLIVOLT = new UcumUnit("mV");
    /** Arbitrary units (a signal without a physical unit, such as the pleth waveform). */
    public static final UcumUnit ARBITRARY = new UcumUnit("[arb'U]");

    public UcumUnit {
        Identifier.require("UCUM unit", value, UcumUnit::fits, "1-32 printable ASCII characters without spaces, e.g. 'Cel'");
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static UcumUnit of(String value) {
        return new UcumUnit(value);
    }

    /** The shape {@code [!-~]{1,32}}: printable ASCII, no space. */
    static boolean fits(String value) {
        int length = value.length();
        if (length < 1 || length > 32) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c < '!' || c > '~') {
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
