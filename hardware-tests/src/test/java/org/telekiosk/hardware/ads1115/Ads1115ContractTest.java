package org.telekiosk.hardware.ads1115;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.ads1115.Ads1115;
import org.telekiosk.agent.sensor.ads1115.Ads1115Config;
import org.telekiosk.agent.sensor.ads1115.Ads1115Config.DataRate;
import org.telekiosk.agent.sensor.ads1115.Ads1115Config.Input;
import org.telekiosk.agent.sensor.ads1115.Ads1115Config.Range;

/**
 * What every ADS1115 with an AD8232 on AIN0 must show through {@link Ads1115}, simulated or real: it takes the
 * continuous-conversion configuration at each ECG data rate and reads it back, and converts AIN0 to a voltage inside
 * the front end's 0..3.3 V supply. Subclasses supply the Pi4J context reaching the chip at I2C bus 1, address 0x48,
 * and the way time passes.
 */
abstract class Ads1115ContractTest {

    static final int BUS = 1;
    static final int ADDRESS = Ads1115.DEFAULT_ADDRESS;

    private Context pi4j;
    Ads1115 driver;

    abstract Context newContext();

    abstract void elapse(Duration duration);

    @BeforeEach
    final void openTheChip() {
        pi4j = newContext();
        driver = Ads1115.open(pi4j, BUS, ADDRESS);
    }

    @AfterEach
    final void closeTheChip() {
        if (pi4j != null) {
            pi4j.shutdown();
        }
    }

    @ParameterizedTest
    @EnumSource(value = DataRate.class, names = {"SPS_250", "SPS_475", "SPS_860"})
    void theChipTakesContinuousConversionAtEachEcgRateAndReadsItBack(DataRate rate) throws SensorException {
        driver.configure(new Ads1115Config(Input.AIN0_GND, Range.FSR_4_096, rate));
        driver.verify();
    }

    @ParameterizedTest
    @EnumSource(value = DataRate.class, names = {"SPS_250", "SPS_860"})
    void ain0ReadsInsideTheFrontEndsSupply(DataRate rate) throws SensorException {
        driver.configure(new Ads1115Config(Input.AIN0_GND, Range.FSR_4_096, rate));
        elapse(Duration.ofMillis(10));
        double millivolts = driver.readMillivolts();
        assertTrue(millivolts >= 0 && millivolts <= 3400, millivolts + " mV");
    }
}
