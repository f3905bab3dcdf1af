package org.telekiosk.agent.sensor.mlx90614;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.pi4j.context.Context;
import com.pi4j.io.i2c.I2C;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.SensorException.Kind;
import org.telekiosk.agent.sensor.simulation.SimulatedHardware;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.UcumUnit;

class Mlx90614Test {

    private final ScriptedSmbusChip chip = new ScriptedSmbusChip();
    private final SimulatedHardware hardware = new SimulatedHardware().attachI2C(1, 0x5A, chip);
    private final Context pi4j = hardware.newContext();
    private final Mlx90614 driver = Mlx90614.open(pi4j, 1, 0x5A);

    @AfterEach
    void shutDown() {
        pi4j.shutdown();
    }

    @ParameterizedTest
    @CsvSource({
        "0x3AD2, 28.01",   // the worked example of the PEC test
        "0x27AD, -70.01",  // lowest object output, datasheet §8.4.6
        "0x7FFF, 382.19",  // highest object output, datasheet §8.4.6
        "0x0000, -273.15",
        "0x3C7F, 36.59",
        "0x3C80, 36.61"})
    void wordsBecomeDegreesCelsiusInStepsOfTwoHundredthsOfAKelvin(String word, double celsius) {
        assertEquals(celsius, Mlx90614.toCelsius(Integer.decode(word)), 0.0);
    }

    @Test
    void theObjectTemperatureIsReadFromRam0x07WithItsPecChecked() throws SensorException {
        chip.answer(0xD2, 0x3A, 0x30);
        assertEquals(28.01, driver.readObjectTemperature(), 0.0);
        assertEquals(List.of(0x07), chip.commands);
    }

    @Test
    void theAmbientTemperatureIsReadFromRam0x06() throws SensorException {
        chip.answerWord(0x5A, 0x06, 0x3A98); // 300.00 K
        assertEquals(26.85, driver.readAmbientTemperature(), 0.0);
        assertEquals(List.of(0x06), chip.commands);
    }

    @Test
    void aPecMismatchIsAChecksumErrorNamingWhereAndBothPecs() {
        chip.answer(0xD2, 0x3A, 0x31);
        SensorException e = assertThrows(SensorException.class, driver::readObjectTemperature);
        assertEquals(Kind.CHECKSUM, e.kind());
        assertEquals("PEC mismatch from the MLX90614 at I2C bus 1 address 0x5A register 0x07: received 0x31,"
                + " computed 0x30 over data 0x3AD2", e.getMessage());
    }

    @Test
    void thePecCoversTheAddressSoAnAnswerMeantForAnotherAddressIsRefused() {
        chip.answerWord(0x5B, 0x07, 0x3AD2);
        SensorException e = assertThrows(SensorException.class, driver::readObjectTemperature);
        assertEquals(Kind.CHECKSUM, e.kind());
    }

    @Test
    void theErrorFlagIsADeviceError() {
        chip.answerWord(0x5A, 0x07, 0x8000 | 0x3AD2);
        SensorException e = assertThrows(SensorException.class, driver::readObjectTemperature);
        assertEquals(Kind.DEVICE_ERROR, e.kind());
        assertEquals("MLX90614 at I2C bus 1 address 0x5A reports an error for the object temperature (RAM 0x07):"
                + " error flag (bit 15) set in 0xBAD2", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"0x27AC, -70.03", "0x7F93, 380.03", "0x7FFF, 382.19"})
    void objectTemperaturesOutsideTheCalibratedRangeAreRefused(String word, String shown) {
        chip.answerWord(0x5A, 0x07, Integer.decode(word));
        SensorException e = assertThrows(SensorException.class, driver::readObjectTemperature);
        assertEquals(Kind.OUT_OF_RANGE, e.kind());
        assertTrue(e.getMessage().startsWith("object temperature " + shown + " °C from the MLX90614 at I2C bus 1"
                + " address 0x5A is outside the sensor's range -70..380 °C"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"0x27AD, -70.01", "0x27AE, -69.99", "0x7F91, 379.99", "0x7F92, 380.01"})
    void objectTemperaturesAtTheEdgesOfTheCalibratedRangeAreAcceptedToTheChipsResolution(String word, double celsius)
            throws SensorException {
        chip.answerWord(0x5A, 0x07, Integer.decode(word));
        assertEquals(celsius, driver.readObjectTemperature(), 0.0);
    }

    @ParameterizedTest
    @CsvSource({"0x2D88, -40.03", "0x4DC5, 125.03"})
    void ambientTemperaturesOutsideTheCalibratedRangeAreRefused(String word, String shown) {
        chip.answerWord(0x5A, 0x06, Integer.decode(word));
        SensorException e = assertThrows(SensorException.class, driver::readAmbientTemperature);
        assertEquals(Kind.OUT_OF_RANGE, e.kind());
        assertTrue(e.getMessage().startsWith("ambient temperature " + shown + " °C"), e.getMessage());
        assertTrue(e.getMessage().contains("range -40..125 °C"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"0x2D89, -40.01", "0x4DC4, 125.01"})
    void ambientTemperaturesAtTheEdgesOfTheCalibratedRangeAreAccepted(String word, double celsius)
            throws SensorException {
        chip.answerWord(0x5A, 0x06, Integer.decode(word));
        assertEquals(celsius, driver.readAmbientTemperature(), 0.0);
    }

    @Test
    void noAcknowledgeIsNoAnswerNamingBusAndAddress() {
        hardware.detachI2C(1, 0x5A);
        SensorException e = assertThrows(SensorException.class, driver::readObjectTemperature);
        assertEquals(Kind.NO_ANSWER, e.kind());
        assertEquals("no answer from the MLX90614 at I2C bus 1 address 0x5A reading register 0x07:"
                + " I2C bus 1: address 0x5A not acknowledged: Remote I/O error (121)", e.getMessage());
    }

    @Test
    void aNegativeErrorCodeFromPi4jIsABusError() {
        I2C i2c = mock(I2C.class);
        when(i2c.bus()).thenReturn(1);
        when(i2c.device()).thenReturn(0x5A);
        when(i2c.readRegister(anyInt(), any(byte[].class), anyInt(), anyInt())).thenReturn(-121);
        SensorException e = assertThrows(SensorException.class, () -> new Mlx90614(i2c).readObjectTemperature());
        assertEquals(Kind.BUS_ERROR, e.kind());
        assertEquals("reading register 0x07 of the MLX90614 at I2C bus 1 address 0x5A returned -121 instead of 3"
                + " bytes", e.getMessage());
    }

    @Test
    void theThermometerReportsBodyTemperatureInCelsius() throws SensorException {
        chip.answerWord(0x5A, 0x07, 0x3C80);
        Mlx90614Thermometer thermometer = new Mlx90614Thermometer(driver);
        assertEquals("mlx90614", thermometer.id().value());
        assertEquals(LoincCode.BODY_TEMPERATURE, thermometer.loinc());
        assertEquals("8310-5", thermometer.loinc().value());
        assertEquals(UcumUnit.CELSIUS, thermometer.unit());
        assertEquals(36.61, thermometer.read(), 0.0);
    }
}
