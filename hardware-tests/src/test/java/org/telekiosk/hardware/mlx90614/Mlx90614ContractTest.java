package org.telekiosk.hardware.mlx90614;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import java.util.DoubleSummaryStatistics;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.mlx90614.Mlx90614;
import org.telekiosk.agent.sensor.mlx90614.Mlx90614Thermometer;

/**
 * What every MLX90614 must show through {@link Mlx90614}, simulated or real: plausible object and ambient
 * temperatures for a kiosk indoors, in the chip's 0.02 K steps (datasheet §8.4.6), and readings that agree when
 * repeated. Subclasses supply the Pi4J context that reaches the chip, at I2C bus 1, SMBus address 0x5A.
 */
abstract class Mlx90614ContractTest {

    static final int BUS = 1;
    static final int ADDRESS = Mlx90614.DEFAULT_ADDRESS;

    private Context pi4j;
    Mlx90614 driver;

    /** A new Pi4J context whose I2C provider reaches the chip under test; the contract shuts it down. */
    abstract Context newContext();

    @BeforeEach
    final void openTheChip() {
        pi4j = newContext();
        driver = Mlx90614.open(pi4j, BUS, ADDRESS);
    }

    @AfterEach
    final void closeTheChip() {
        if (pi4j != null) {
            pi4j.shutdown();
        }
    }

    @Test
    void theObjectTemperatureIsPlausibleForWhateverAKioskSensorFaces() throws SensorException {
        double celsius = driver.readObjectTemperature();
        assertTrue(celsius >= -20 && celsius <= 100, celsius + " °C");
    }

    @Test
    void theAmbientTemperatureIsPlausibleIndoors() throws SensorException {
        double celsius = driver.readAmbientTemperature();
        assertTrue(celsius >= 0 && celsius <= 50, celsius + " °C");
    }

    @Test
    void temperaturesComeInStepsOfTwoHundredthsOfAKelvin() throws SensorException {
        for (double celsius : new double[] {driver.readObjectTemperature(), driver.readAmbientTemperature()}) {
            double steps = (celsius + 273.15) * 50;
            assertEquals(Math.rint(steps), steps, 1e-6, celsius + " °C");
        }
    }

    @Test
    void repeatedObjectReadsAgreeWithinHalfADegree() throws SensorException {
        DoubleSummaryStatistics reads = DoubleStream.of(
                driver.readObjectTemperature(), driver.readObjectTemperature(), driver.readObjectTemperature(),
                driver.readObjectTemperature(), driver.readObjectTemperature()).summaryStatistics();
        assertTrue(reads.getMax() - reads.getMin() <= 0.5, reads.toString());
    }

    @Test
    void repeatedAmbientReadsAgreeWithinHalfADegree() throws SensorException {
        DoubleSummaryStatistics reads = DoubleStream.of(
                driver.readAmbientTemperature(), driver.readAmbientTemperature(), driver.readAmbientTemperature(),
                driver.readAmbientTemperature(), driver.readAmbientTemperature()).summaryStatistics();
        assertTrue(reads.getMax() - reads.getMin() <= 0.5, reads.toString());
    }

    @Test
    void theKioskSeesTheObjectTemperatureAsBodyTemperatureInCelsius() throws SensorException {
        Mlx90614Thermometer thermometer = new Mlx90614Thermometer(driver);
        assertEquals("8310-5", thermometer.loinc().value());
        assertEquals("Cel", thermometer.unit().value());
        assertEquals(driver.readObjectTemperature(), thermometer.read(), 0.5);
    }
}
