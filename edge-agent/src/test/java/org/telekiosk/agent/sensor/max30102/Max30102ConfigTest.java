package org.telekiosk.agent.sensor.max30102;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.telekiosk.agent.sensor.max30102.Max30102Config.AdcRange;
import org.telekiosk.agent.sensor.max30102.Max30102Config.PulseWidth;
import org.telekiosk.agent.sensor.max30102.Max30102Config.SampleAveraging;
import org.telekiosk.agent.sensor.max30102.Max30102Config.SampleRate;

class Max30102ConfigTest {

    @Test
    void theDefaultEncodesAsTheDatasheetsBitFields() {
        assertEquals(0b010_0_0000, Max30102Config.DEFAULT.fifoConfiguration());
        assertEquals(0b0_01_011_11, Max30102Config.DEFAULT.spo2Configuration());
        assertEquals(100.0, Max30102Config.DEFAULT.outputRateHz());
        assertEquals(7.2, Max30102Config.milliamps(0x24), 1e-12);
        assertEquals(51.0, Max30102Config.milliamps(0xFF), 1e-12);
    }

    @ParameterizedTest(name = "{0} with {1} is refused")
    @CsvSource({"SPS_800, US_411", "SPS_1000, US_215", "SPS_1600, US_118", "SPS_3200, US_69"})
    void pulsesTooLongForTheSampleRateAreRefused(SampleRate rate, PulseWidth width) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Max30102Config(rate,
                width, AdcRange.NA_4096, SampleAveraging.AVERAGE_1, false, 0, 0x24, 0x24));
        assertEquals(true, e.getMessage().contains("datasheet Table 11"), e.getMessage());
    }

    @ParameterizedTest(name = "{0} with {1} is allowed")
    @CsvSource({"SPS_400, US_411", "SPS_800, US_215", "SPS_1000, US_118", "SPS_1600, US_69"})
    void theWidestAllowedPulseAtEachRateIsAccepted(SampleRate rate, PulseWidth width) {
        new Max30102Config(rate, width, AdcRange.NA_4096, SampleAveraging.AVERAGE_1, false, 0, 0x24, 0x24);
    }

    @Test
    void ledCodesAndAlmostFullOutsideTheirFieldsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Max30102Config(SampleRate.SPS_100, PulseWidth.US_411,
                AdcRange.NA_4096, SampleAveraging.AVERAGE_1, false, 16, 0x24, 0x24));
        assertThrows(IllegalArgumentException.class, () -> new Max30102Config(SampleRate.SPS_100, PulseWidth.US_411,
                AdcRange.NA_4096, SampleAveraging.AVERAGE_1, false, 0, 0x100, 0x24));
    }
}
