package org.telekiosk.hardware.max30102;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import java.time.Duration;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.max30102.FifoRead;
import org.telekiosk.agent.sensor.max30102.Max30102;
import org.telekiosk.agent.sensor.max30102.Max30102Config;
import org.telekiosk.agent.sensor.max30102.PpgSample;

/**
 * What every MAX30102 must show through {@link Max30102}, simulated or real, with nothing on the sensor required:
 * it is found by its part id, fills its FIFO at the configured rate after initialisation, sends 18-bit left-justified
 * data, and measures its die temperature. Subclasses supply the Pi4J context reaching the chip at I2C bus 1, address
 * 0x57, and the way time passes (simulated, or real on a Pi).
 */
abstract class Max30102ContractTest {

    static final int BUS = 1;
    static final int ADDRESS = Max30102.DEFAULT_ADDRESS;

    private Context pi4j;
    Max30102 driver;

    /** A new Pi4J context whose I2C provider reaches the chip under test; the contract shuts it down. */
    abstract Context newContext();

    /** Lets {@code duration} pass for the chip. */
    abstract void elapse(Duration duration);

    @BeforeEach
    final void openTheChip() {
        pi4j = newContext();
        driver = Max30102.open(pi4j, BUS, ADDRESS);
    }

    @AfterEach
    final void closeTheChip() {
        if (pi4j != null) {
            pi4j.shutdown();
        }
    }

    @Test
    void initialisationFindsTheChipByItsPartIdAndReportsItsReadOnlyRevision() throws SensorException {
        int revision = driver.initialise(Max30102Config.DEFAULT);
        // REV_ID (0xFE) is read-only (datasheet Table 1): the reset that initialisation begins with keeps it, so a
        // second initialisation reads the same revision (and the part id 0x15 again, or it would throw).
        assertEquals(revision, driver.initialise(Max30102Config.DEFAULT), "REV_ID survives the reset");
    }

    @Test
    void afterInitialisationTheFifoFillsAtTheConfiguredOutputRate() throws SensorException {
        driver.initialise(Max30102Config.DEFAULT); // 100 samples/s
        elapse(Duration.ofMillis(200));
        FifoRead read = driver.readFifo();
        assertTrue(read.samples().size() >= 17 && read.samples().size() <= 23, read.samples().size() + " samples");
        assertFalse(read.hasGap(), "no sample may be lost in 200 ms: " + read.lost());
    }

    @Test
    void aSecondReadContinuesWhereTheFirstEnded() throws SensorException {
        driver.initialise(Max30102Config.DEFAULT);
        elapse(Duration.ofMillis(150));
        int first = driver.readFifo().samples().size();
        FifoRead second = driver.readFifo();
        assertTrue(second.samples().size() <= 2, "the FIFO was drained by the first read of " + first);
        elapse(Duration.ofMillis(150));
        assertTrue(driver.readFifo().samples().size() >= 12);
    }

    @Test
    void samplesAreEighteenBitValues() throws SensorException {
        driver.initialise(Max30102Config.DEFAULT);
        elapse(Duration.ofMillis(100));
        for (PpgSample sample : driver.readFifo().samples()) {
            assertTrue(sample.red() >= 0 && sample.red() < 1 << 18, sample.toString());
            assertTrue(sample.ir() >= 0 && sample.ir() < 1 << 18, sample.toString());
        }
    }

    @Test
    void theDieTemperatureIsReadyAfterItsConversionAndPlausibleIndoors() throws SensorException {
        driver.initialise(Max30102Config.DEFAULT);
        driver.startDieTemperature();
        elapse(Duration.ofMillis(40)); // 29 ms typical conversion
        OptionalDouble celsius = driver.readDieTemperature();
        assertTrue(celsius.isPresent(), "conversion not finished after 40 ms");
        assertTrue(celsius.getAsDouble() >= 5 && celsius.getAsDouble() <= 60, celsius + " °C");
    }
}
