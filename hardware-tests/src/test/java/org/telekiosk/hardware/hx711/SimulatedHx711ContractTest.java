package org.telekiosk.hardware.hx711;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.SensorException.Kind;
import org.telekiosk.agent.sensor.hx711.Gain;
import org.telekiosk.agent.sensor.hx711.Hx711Calibration;
import org.telekiosk.agent.sensor.hx711.Hx711Scale;
import org.telekiosk.agent.sensor.hx711.LoadCell;
import org.telekiosk.agent.sensor.hx711.PinTiming;
import org.telekiosk.agent.sensor.hx711.SimulatedHx711;
import org.telekiosk.agent.sensor.simulation.SimulatedHardware;

/**
 * The contract against the simulated chip, through real Pi4J GPIO calls; and what only a simulation can show: exact
 * conversions, the datasheet's power-down and reset, each fault reported as an error (never as a weight), weight
 * within ±0.1 kg after calibration from 5 to 200 kg, and recovery after an unplug without a new driver.
 */
class SimulatedHx711ContractTest extends Hx711ContractTest {

    /** The scale of the accuracy tests: a 200 kg platform at 1 mV/V, with noise and 0.02 % non-linearity. */
    private final SimulatedHx711 chip = new SimulatedHx711(PD_SCK, DOUT, SimulatedHx711.Rate.SPS_10,
            LoadCell.platform200Kg(20261122));
    private final SimulatedHardware hardware = new SimulatedHardware().attachGpio(chip, PD_SCK, DOUT);

    @Override
    Context newContext() {
        return hardware.newContext();
    }

    @Override
    PinTiming timing() {
        return chip.timing();
    }

    private Hx711Scale calibratedScale() throws SensorException {
        Hx711Scale scale = new Hx711Scale(driver, new Hx711Calibration(Gain.A_128, 0, 10_000),
                Hx711Scale.Settings.DEFAULT);
        chip.setLoad(0);
        scale.tare();
        chip.setLoad(100);
        scale.calibrate(100);
        return scale;
    }

    @Test
    void initialisationPowersTheChipUpInChannelAGain128() throws SensorException {
        assertFalse(chip.poweredDown());
        driver.read(Gain.A_128);
        assertEquals(Gain.A_128, chip.converting());
    }

    @Test
    void holdingPdSckHighPowersTheChipDownAndLowResetsIt() throws SensorException {
        driver.read(Gain.B_32);
        assertEquals(Gain.B_32, chip.converting());
        driver.powerDown();
        assertTrue(chip.poweredDown());
        driver.powerUp();
        assertFalse(chip.poweredDown());
        assertEquals(Gain.A_128, chip.converting());
    }

    @ParameterizedTest(name = "{0} kg reads within 0.1 kg after calibration with 100 kg")
    @ValueSource(doubles = {5, 10, 20, 35, 50, 62.5, 75, 90, 110, 130, 150, 175, 200})
    void weightIsWithinATenthOfAKilogramAfterCalibration(double kg) throws SensorException {
        Hx711Scale scale = calibratedScale();
        chip.setLoad(kg);
        double read = scale.read();
        assertEquals(kg, read, 0.1);
    }

    @Test
    void aChipStuckNotReadyIsNoAnswerAndNotAWeight() throws SensorException {
        Hx711Scale scale = calibratedScale();
        chip.setStuckNotReady(true);
        SensorException e = assertThrows(SensorException.class, scale::read);
        assertEquals(Kind.NO_ANSWER, e.kind());
        assertTrue(e.getMessage().contains("no conversion ready"), e.getMessage());
        chip.setStuckNotReady(false);
        chip.setLoad(80);
        assertEquals(80, scale.read(), 0.1);
    }

    @Test
    void garbageBitsAreNeverAWeight() throws SensorException {
        Hx711Scale scale = calibratedScale();
        chip.setLoad(80);
        for (int i = 0; i < 10; i++) {
            chip.garbleNextReads(1);
            assertThrows(SensorException.class, scale::read);
        }
        assertEquals(80, scale.read(), 0.1);
    }

    @Test
    void aHostStalledWithPdSckHighLosesThatReadingOnly() throws SensorException {
        Hx711Scale scale = calibratedScale();
        chip.setLoad(80);
        chip.stallHostAtPulse(12, 75_000);
        SensorException e = assertThrows(SensorException.class, scale::read);
        assertEquals(Kind.BUS_ERROR, e.kind());
        assertTrue(e.getMessage().contains("PD_SCK stayed high"), e.getMessage());
        assertEquals(80, scale.read(), 0.1);
    }

    @Test
    void anOverloadIsOutOfRangeNotAWeight() throws SensorException {
        Hx711Scale scale = calibratedScale();
        chip.setLoad(900);
        assertEquals(Kind.OUT_OF_RANGE, assertThrows(SensorException.class, scale::read).kind());
    }

    @Test
    void anUnpluggedScaleFailsUntilItIsPluggedBackAndTheSameDriverRecovers() throws SensorException {
        Hx711Scale scale = calibratedScale();
        chip.setLoad(70);
        hardware.detachGpio(PD_SCK, DOUT);
        SensorException e = assertThrows(SensorException.class, scale::read);
        assertEquals(Kind.NO_ANSWER, e.kind());
        chip.advance(Duration.ofSeconds(5));
        hardware.attachGpio(chip, PD_SCK, DOUT);
        assertEquals(70, scale.read(), 0.1);
    }
}
