package org.telekiosk.protocol;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentifiersTest {

    @ParameterizedTest
    @ValueSource(strings = {"wmk-lab-03", "abc", "k1-2-3", "a23456789012345678901234567890123456789a"})
    void validKioskIdsAreAccepted(String id) {
        assertEquals(id, KioskId.of(id).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ab", "WMK-lab", "3lab", "lab-", "lab--3", "lab/3", "lab+", "lab#", "lab 3", "läb",
        "a234567890123456789012345678901234567890x"})
    void invalidKioskIdsAreRefusedWithTheirRule(String id) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KioskId.of(id));
        assertTrue(e.getMessage().contains("expected"), e.getMessage());
    }

    @Test
    void aMissingKioskIdIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KioskId.of(null));
        assertEquals("kiosk id is missing", e.getMessage());
    }

    @Test
    void controlCharactersAreNotEchoedBack() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KioskId.of("a\nb\u0007c"));
        assertTrue(e.getMessage().contains("a?b?c"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"8310-5", "8867-4", "59408-5", "29463-7", "85354-9", "8480-6", "8462-4"})
    void realLoincCodesHaveValidCheckDigits(String code) {
        assertDoesNotThrow(() -> LoincCode.of(code));
    }

    @Test
    void theNamedLoincCodesAndUnitsAreValid() {
        assertDoesNotThrow(() -> List.of(LoincCode.BODY_WEIGHT, LoincCode.OXYGEN_SATURATION, LoincCode.HEART_RATE,
                LoincCode.SYSTOLIC_PRESSURE, LoincCode.DIASTOLIC_PRESSURE, LoincCode.MEAN_PRESSURE, UcumUnit.MM_HG,
                UcumUnit.ARBITRARY));
    }

    @ParameterizedTest
    @ValueSource(strings = {"8310-4", "8867-5", "8310", "-5", "83105", "12345678-0", "8310-55"})
    void malformedLoincCodesAreRefused(String code) {
        assertThrows(IllegalArgumentException.class, () -> LoincCode.of(code));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Cel", "kg", "%", "/min", "mm[Hg]", "mV", "{beats}/min"})
    void ucumUnitsAreAccepted(String unit) {
        assertEquals(unit, UcumUnit.of(unit).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "deg C", "°C", "a234567890123456789012345678901234"})
    void malformedUnitsAreRefused(String unit) {
        assertThrows(IllegalArgumentException.class, () -> UcumUnit.of(unit));
    }
}
