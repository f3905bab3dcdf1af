package org.telekiosk.agent.sensor.hx711;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.SensorException.Kind;
import org.telekiosk.agent.sensor.simulation.SimulatedHardware;

class Hx711Test {

    private static final int PD_SCK = 6;
    private static final int DOUT = 5;

    /** Noise-free and linear: 100 counts per kg, so raw values are exact. */
    private final SimulatedHx711 chip = new SimulatedHx711(PD_SCK, DOUT, SimulatedHx711.Rate.SPS_10,
            new LoadCell(1000, 100, 200, 0, 0, 1));
    private final SimulatedHardware hardware = new SimulatedHardware().attachGpio(chip, PD_SCK, DOUT);
    private final Context pi4j = hardware.newContext();
    private final Hx711 driver = Hx711.open(pi4j, PD_SCK, DOUT, chip.timing(), ReadyPolling.TEN_SPS);

    @AfterEach
    void shutDown() {
        pi4j.shutdown();
    }

    @ParameterizedTest(name = "{0} kg at gain 128 reads {1}")
    @CsvSource({"0, 1000", "10, 2000", "-20, -1000", "83875.06, 8388506", "-83895.07, -8388507"})
    void rawValuesAreTheTwosComplementWordTheChipShiftsOut(double kg, int raw) throws SensorException {
        chip.setLoad(kg);
        assertEquals(raw, driver.read(Gain.A_128));
    }

    @Test
    void gain64ReadsHalfOfGain128AndTheSwitchCostsOneDiscardedRead() throws SensorException {
        chip.setLoad(10);
        assertEquals(2000, driver.read(Gain.A_128));
        assertEquals(1000, driver.read(Gain.A_64));
        assertEquals(Gain.A_64, chip.converting());
        assertEquals(1000, driver.read(Gain.A_64));
    }

    @Test
    void channelBIsReadWith26Pulses() throws SensorException {
        chip.setChannelB(-1234);
        assertEquals(-1234, driver.read(Gain.B_32));
        assertEquals(Gain.B_32, chip.converting());
    }

    @Test
    void aSaturatedConversionIsOutOfRangeNotAWeight() {
        chip.setLoad(100_000);
        SensorException e = assertThrows(SensorException.class, () -> driver.read(Gain.A_128));
        assertEquals(Kind.OUT_OF_RANGE, e.kind());
        assertTrue(e.getMessage().contains("saturated at 0x7FFFFF"), e.getMessage());
    }

    @Test
    void aChipThatNeverGetsReadyIsNoAnswerAfterTheBoundedPolls() {
        chip.setStuckNotReady(true);
        SensorException e = assertThrows(SensorException.class, () -> driver.read(Gain.A_128));
        assertEquals(Kind.NO_ANSWER, e.kind());
        assertEquals("HX711 (PD_SCK GPIO 6, DOUT GPIO 5): no conversion ready, DOUT stayed high for 60 polls over"
                + " 600 ms; the chip is unplugged, unpowered or stuck", e.getMessage());
    }

    @Test
    void aClockHeldHighPastFiftyMicrosecondsVoidsTheReadAndTheNextReadResetsTheChip() throws SensorException {
        chip.setLoad(10);
        driver.read(Gain.A_128);
        chip.stallHostAtPulse(7, 80_000);
        SensorException e = assertThrows(SensorException.class, () -> driver.read(Gain.A_128));
        assertEquals(Kind.BUS_ERROR, e.kind());
        assertTrue(e.getMessage().contains("PD_SCK stayed high 81.0 µs at pulse 7"), e.getMessage());
        assertEquals(2000, driver.read(Gain.A_128));
    }

    @Test
    void noiseOnDoutAfterThe24thPulseIsCaught() {
        chip.setLoad(10);
        chip.garbleNextReads(3);
        SensorException e = assertThrows(SensorException.class, () -> {
            for (int i = 0; i < 3; i++) {
                driver.read(Gain.A_64);
            }
        });
        assertEquals(Kind.BUS_ERROR, e.kind());
        assertTrue(e.getMessage().contains("DOUT low after"), e.getMessage());
    }

    @Test
    void powerDownHoldsTheClockHighAndPowerUpResetsToChannelAGain128() throws SensorException {
        chip.setLoad(10);
        driver.read(Gain.A_64);
        driver.powerDown();
        assertTrue(chip.poweredDown());
        assertThrows(IllegalStateException.class, () -> driver.read(Gain.A_128));
        driver.powerUp();
        assertFalse(chip.poweredDown());
        assertEquals(Gain.A_128, chip.converting());
        assertEquals(2000, driver.read(Gain.A_128));
    }

    @Test
    void afterAnUnplugAndReplugTheSameDriverReadsAgain() throws SensorException {
        chip.setLoad(10);
        driver.read(Gain.A_64);
        hardware.detachGpio(PD_SCK, DOUT);
        assertEquals(Kind.NO_ANSWER, assertThrows(SensorException.class, () -> driver.read(Gain.A_64)).kind());
        hardware.attachGpio(chip, PD_SCK, DOUT);
        assertEquals(1000, driver.read(Gain.A_64));
    }

    @Test
    void aReadTakesOnlySimulatedTimeAndKeepsToTheDatasheetsPulseWidths() throws SensorException {
        driver.read(Gain.A_128);
        long before = chip.timing().nanoTime();
        chip.advance(Duration.ofMillis(100));
        driver.read(Gain.A_128);
        // 25 pulses of T3 + T4 = 2 µs, T1 = 0.1 µs; the conversion was ready, so no poll waited.
        assertEquals(100_000_000 + 25 * 2_000 + 100, chip.timing().nanoTime() - before);
    }
}
