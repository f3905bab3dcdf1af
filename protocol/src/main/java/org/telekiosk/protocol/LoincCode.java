package org.telekiosk.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A LOINC code such as {@code 8310-5} (body temperature): up to seven digits, a hyphen and the mod-10 check digit
 * that LOINC defines (the Luhn algorithm over the digits before the hyphen). A code with a wrong check digit is
 * refused, which catches most typing errors in configuration.
 */
public record LoincCode(@JsonValue String value) {
    /** Body temperature. */
    public static final LoincCode BODY_TEMPERATURE = new LoincCode("8310-5");
    /** Body weight. */
    public static final LoincCode BODY_WEIGHT = new LoincCode("29463-7");
    /** Oxygen saturation in arterial blood by pulse oximetry (SpO2). */
    public static final LoincCode OXYGEN_SATURATION = new LoincCode("59408-5");
    /** Heart rate. */
    public static final LoincCode HEART_RATE = new LoincCode("8867-4");
    /** Systolic blood pressure. */
    public static final LoincCode SYSTOLIC_PRESSURE = new LoincCode("8480-6");
    /** Diastolic blood pressure. */
    public static final LoincCode DIASTOLIC_PRESSURE = new LoincCode("8462-4");
    /** Mean blood pressure. */
    public static final LoincCode MEAN_PRESSURE = new LoincCode("8478-0");

    public LoincCode {
        Identifier.require("LOINC code", value, LoincCode::fits, "digits, '-', check digit, e.g. '8310-5'");
        int dash = value.length() - 2;
        int expected = checkDigit(value, dash);
        if (value.charAt(dash + 1) - '0' != expected) {
            throw new IllegalArgumentException("LOINC code '" + value + "' has a wrong check digit (expected "
                    + expected + ")");
        }
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static LoincCode of(String value) {
        return new LoincCode(value);
    }

    /** LOINC's mod-10 check digit: double every second digit from the right, sum the digits, round up to ten. */
    static int checkDigit(String digits) {
        return checkDigit(digits, digits.length());
    }

    /** The check digit of the first {@code length} characters of {@code digits}. */
    private static int checkDigit(String digits, int length) {
        int sum = 0;
        boolean doubled = true;
        for (int i = length - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubled) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return (10 - sum % 10) % 10;
    }

    /** The shape {@code [0-9]{1,7}-[0-9]}. */
    static boolean fits(String value) {
        int length = value.length();
        if (length < 3 || length > 9 || value.charAt(length - 2) != '-'
                || !Identifier.isDigit(value.charAt(length - 1))) {
            return false;
        }
        for (int i = 0; i < length - 2; i++) {
            if (!Identifier.isDigit(value.charAt(i))) {
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
