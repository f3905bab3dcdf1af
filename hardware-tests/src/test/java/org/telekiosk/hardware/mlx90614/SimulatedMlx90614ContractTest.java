package org.telekiosk.hardware.mlx90614;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.SensorException.Kind;
import org.telekiosk.agent.sensor.mlx90614.SimulatedMlx90614;
import org.telekiosk.agent.sensor.mlx90614.SimulatedMlx90614.Fault;
import org.telekiosk.agent.sensor.simulation.SimulatedHardware;

/**
 * The contract against the simulated chip, through real Pi4J I2C calls; and what only a simulation can show: exact
 * temperatures, and each fault the datasheet foresees, reported with the right kind and a clear message, followed
 * by recovery on the next read.
 */
class SimulatedMlx90614ContractTest extends Mlx90614ContractTest {

    private final SimulatedMlx90614 chip = new SimulatedMlx90614(36.6, 23.5);
    private final SimulatedHardware hardware = new SimulatedHardware().attachI2C(BUS, ADDRESS, chip);

    @Override
    Context newContext() {
        return hardware.newContext();
    }

    @ParameterizedTest
    @ValueSource(doubles = {-69.99, -20.0, 0.0, 34.5, 36.6, 37.0, 38.42, 41.2, 100.0, 379.99})
    void theDriverReadsTheObjectTemperatureTheChipIsSetTo(double celsius) throws SensorException {
        chip.setObjectTemperature(celsius);
        assertEquals(celsius, driver.readObjectTemperature(), 0.02);
    }

    @ParameterizedTest
    @ValueSource(doubles = {-40.0, -0.01, 0.0, 22.5, 37.0, 85.0, 125.0})
    void theDriverReadsTheAmbientTemperatureTheChipIsSetTo(double celsius) throws SensorException {
        chip.setAmbientTemperature(celsius);
        assertEquals(celsius, driver.readAmbientTemperature(), 0.02);
    }

    @ParameterizedTest(name = "{0} is reported as {1} saying \"{2}\", and the next read succeeds")
    @CsvSource(delimiter = '|', textBlock = """
        WRONG_PEC  | CHECKSUM     | PEC mismatch from the MLX90614 at I2C bus 1 address 0x5A register 0x07: received 0x
        ERROR_FLAG | DEVICE_ERROR | MLX90614 at I2C bus 1 address 0x5A reports an error for the object temperature (RAM 0x07): error flag (bit 15) set in 0x
        NACK       | NO_ANSWER    | no answer from the MLX90614 at I2C bus 1 address 0x5A reading register 0x07: I2C bus 1: address 0x5A not acknowledged: Remote I/O error (121)
        GARBAGE    | CHECKSUM     | PEC mismatch from the MLX90614 at I2C bus 1 address 0x5A register 0x07: received 0xFF, computed 0x
        """)
    void aFaultIsReportedPreciselyAndTheChipRecovers(Fault fault, Kind kind, String message) throws SensorException {
        chip.setObjectTemperature(37.21);
        chip.failNextRead(fault);
        SensorException e = assertThrows(SensorException.class, driver::readObjectTemperature);
        assertEquals(kind, e.kind());
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        assertEquals(37.21, driver.readObjectTemperature(), 0.0);
    }

    @Test
    void aWrongPecNamesBothPecsAndTheData() {
        chip.setObjectTemperature(28.01); // the worked example: 0x3AD2, PEC 0x30
        chip.failNextRead(Fault.WRONG_PEC);
        SensorException e = assertThrows(SensorException.class, driver::readObjectTemperature);
        assertTrue(e.getMessage().endsWith("received 0x31, computed 0x30 over data 0x3AD2"), e.getMessage());
    }

    @Test
    void anAmbientReadWithTheErrorFlagNamesTheAmbientRegister() {
        chip.failNextRead(Fault.ERROR_FLAG);
        SensorException e = assertThrows(SensorException.class, driver::readAmbientTemperature);
        assertEquals(Kind.DEVICE_ERROR, e.kind());
        assertTrue(e.getMessage().contains("ambient temperature (RAM 0x06)"), e.getMessage());
    }

    @Test
    void anObjectHotterThanTheCalibratedRangeIsOutOfRange() {
        chip.setObjectTemperature(390);
        SensorException e = assertThrows(SensorException.class, driver::readObjectTemperature);
        assertEquals(Kind.OUT_OF_RANGE, e.kind());
        assertTrue(e.getMessage().contains("382.19 °C"), e.getMessage());
    }

    @Test
    void anUnpluggedChipIsNoAnswerUntilItIsPluggedBackIn() throws SensorException {
        hardware.detachI2C(BUS, ADDRESS);
        assertEquals(Kind.NO_ANSWER, assertThrows(SensorException.class, driver::readObjectTemperature).kind());
        hardware.attachI2C(BUS, ADDRESS, chip);
        assertEquals(36.6, driver.readObjectTemperature(), 0.02);
    }
}
