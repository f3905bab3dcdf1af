package org.telekiosk.agent.sensor.hx711;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.SensorException.Kind;
import org.telekiosk.agent.sensor.simulation.SimulatedHardware;

class Hx711ScaleTest {

    private final SimulatedHx711 chip = new SimulatedHx711(6, 5, SimulatedHx711.Rate.SPS_80,
            new LoadCell(5000, 1000, 200, 0, 0, 1));
    private final Context pi4j = new SimulatedHardware().attachGpio(chip, 6, 5).newContext();
    private final Hx711Scale scale = new Hx711Scale(
            Hx711.open(pi4j, 6, 5, chip.timing(), new ReadyPolling(java.time.Duration.ofMillis(5), 20)),
            new Hx711Calibration(Gain.A_128, 0, 500), new Hx711Scale.Settings(5, 0.5, 200));

    @AfterEach
    void shutDown() {
        pi4j.shutdown();
    }

    @Test
    void theSensorIsBodyWeightInKilograms() {
        assertEquals("hx711", scale.id().value());
        assertEquals("29463-7", scale.loinc().value());
        assertEquals("kg", scale.unit().value());
    }

    @Test
    void tareTakesTheEmptyReadingAsZeroAndCalibrationTheFactorFromAKnownWeight() throws SensorException {
        assertEquals(5000, scale.tare().offset(), 0.0);
        chip.setLoad(50);
        assertEquals(1000, scale.calibrate(50).countsPerKg(), 0.0);
        chip.setLoad(72.4);
        assertEquals(72.4, scale.read(), 1e-9);
    }

    @Test
    void aCalibrationWeightThatChangesNothingIsRefused() throws SensorException {
        scale.tare();
        SensorException e = assertThrows(SensorException.class, () -> scale.calibrate(50));
        assertEquals(Kind.OUT_OF_RANGE, e.kind());
        assertEquals(500, scale.calibration().countsPerKg(), 0.0);
    }

    @Test
    void aWeightBeyondCapacityIsOutOfRange() throws SensorException {
        scale.tare();
        chip.setLoad(120); // 240 kg with the factor of 500 counts per kg
        SensorException e = assertThrows(SensorException.class, scale::read);
        assertEquals(Kind.OUT_OF_RANGE, e.kind());
        assertEquals("240.00 kg is outside the scale's range -1..200 kg; tare the empty scale or check the load",
                e.getMessage());
    }

    @Test
    void garbledSamplesNeverBecomeAWeight() throws SensorException {
        chip.setLoad(1);
        scale.tare();
        for (int garbled = 0; garbled < 20; garbled++) {
            chip.garbleNextReads(1);
            // Noise on DOUT is caught by the driver's frame checks, by the saturation check when the chip was clocked
            // into a serial communication error (after which DOUT stays high: no answer until the next power-down), or
            // by the spread of the samples; which one depends on the noise.
            SensorException e = assertThrows(SensorException.class, scale::read);
            assertTrue(e.kind() == Kind.BUS_ERROR || e.kind() == Kind.OUT_OF_RANGE || e.kind() == Kind.NO_ANSWER,
                    e.getMessage());
        }
        assertEquals(0.0, scale.read(), 1e-9);
    }

    @Test
    void samplesThatDisagreeAreRefusedWithTheirSpread() throws SensorException {
        scale.tare();
        chip.setLoad(0.2); // 100 counts at 500 counts per kg
        scale.read();
        chip.setLoad(0.1);
        Hx711Scale strict = new Hx711Scale(
                Hx711.open(pi4jWithNoisyCell(), 6, 5, noisy.timing(), new ReadyPolling(java.time.Duration.ofMillis(5),
                        20)), new Hx711Calibration(Gain.A_128, 0, 1000), new Hx711Scale.Settings(10, 0.001, 200));
        SensorException e = assertThrows(SensorException.class, strict::read);
        assertEquals(Kind.BUS_ERROR, e.kind());
        assertTrue(e.getMessage().startsWith("HX711 samples disagree by up to 0.0"), e.getMessage());
        assertTrue(e.getMessage().endsWith("kg (at most 0.00 kg allowed): the patient moved or the data line is"
                + " disturbed"), e.getMessage());
    }

    private final SimulatedHx711 noisy = new SimulatedHx711(6, 5, SimulatedHx711.Rate.SPS_80,
            new LoadCell(0, 1000, 200, 0, 40, 7));
    private Context noisyContext;

    private Context pi4jWithNoisyCell() {
        noisyContext = new SimulatedHardware().attachGpio(noisy, 6, 5).newContext();
        return noisyContext;
    }

    @AfterEach
    void shutDownTheNoisyCell() {
        if (noisyContext != null) {
            noisyContext.shutdown();
        }
    }
}
