package org.telekiosk.agent.sensor.ads1115;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.telekiosk.agent.sensor.ads1115.Ads1115Config.DataRate;
import org.telekiosk.agent.sensor.ads1115.Ads1115Config.Input;
import org.telekiosk.agent.sensor.ads1115.Ads1115Config.Range;

class Ads1115ConfigTest {

    @ParameterizedTest(name = "{0} {1} {2}: 0x{3}")
    @CsvSource({
        "AIN0_GND,  FSR_4_096, SPS_250, 42A3",
        "AIN0_AIN1, FSR_6_144, SPS_8,   0003",
        "AIN3_GND,  FSR_0_256, SPS_860, 7AE3",
        "AIN2_AIN3, FSR_2_048, SPS_475, 34C3"})
    void theConfigWordHasOsZeroContinuousModeAndTheComparatorDisabled(Input input, Range range, DataRate rate,
            String word) {
        assertEquals(Integer.parseInt(word, 16), new Ads1115Config(input, range, rate).configWord());
    }

    @ParameterizedTest(name = "code {0} at {1}: {2} mV")
    @CsvSource({
        "32767,  FSR_4_096, 4095.875",
        "-32768, FSR_4_096, -4096.0",
        "1,      FSR_6_144, 0.1875",
        "1,      FSR_0_256, 0.0078125",
        "13200,  FSR_4_096, 1650.0",
        "-1,     FSR_2_048, -0.0625"})
    void codesBecomeExactMillivolts(short code, Range range, double millivolts) {
        assertEquals(millivolts, new Ads1115Config(Input.AIN0_AIN1, range, DataRate.SPS_860).toMillivolts(code), 0.0);
    }

    @Test
    void theEcgDefaultIsAin0AgainstGroundAt250Sps() {
        assertEquals(0x42A3, Ads1115Config.ECG.configWord());
    }
}
