package org.telekiosk.hardware.hx711;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.hx711.Gain;
import org.telekiosk.agent.sensor.hx711.Hx711;
import org.telekiosk.agent.sensor.hx711.Hx711Calibration;
import org.telekiosk.agent.sensor.hx711.Hx711Scale;
import org.telekiosk.agent.sensor.hx711.PinTiming;
import org.telekiosk.agent.sensor.hx711.ReadyPolling;

/**
 * What every HX711 must show through {@link Hx711}, simulated or real, with PD_SCK on BCM 6 and DOUT on BCM 5 and
 * the platform empty: the lines start as the datasheet's "Serial Interface" requires (PD_SCK low), conversions arrive
 * within the settling time, fit 24 bits and repeat, every channel and gain of Table 3 can be read, and a power-down
 * followed by a power-up gives readings again. Subclasses supply the Pi4J context and the timing.
 */
abstract class Hx711ContractTest {

    static final int PD_SCK = 6;
    static final int DOUT = 5;
    /** Repeated empty-platform reads at gain 128 agree within this many counts (about 0.2 kg on a 200 kg cell). */
    static final int REPEATABILITY_COUNTS = 2_000;

    private Context pi4j;
    Hx711 driver;

    /** A new Pi4J context whose GPIO providers reach the chip under test; the contract shuts it down. */
    abstract Context newContext();

    /** The timing the driver runs on. */
    abstract PinTiming timing();

    @BeforeEach
    final void openTheChip() {
        pi4j = newContext();
        driver = Hx711.open(pi4j, PD_SCK, DOUT, timing(), ReadyPolling.TEN_SPS);
    }

    @AfterEach
    final void closeTheChip() {
        if (pi4j != null) {
            pi4j.shutdown();
        }
    }

    @Test
    void openingLeavesPdSckLowSoTheChipWorksNormally() {
        DigitalOutput clock = pi4j.registry().get("hx711-pd-sck-" + PD_SCK);
        assertEquals(DigitalState.LOW, clock.state());
    }

    @Test
    void aConversionArrivesWithinTheSettlingTimeAndFits24Bits() throws SensorException {
        int raw = driver.read(Gain.A_128);
        assertTrue(raw > -0x800000 && raw < 0x7FFFFF, Integer.toString(raw));
    }

    @Test
    void repeatedReadsOfTheEmptyPlatformAgree() throws SensorException {
        int[] raws = new int[5];
        for (int i = 0; i < raws.length; i++) {
            raws[i] = driver.read(Gain.A_128);
        }
        int spread = IntStream.of(raws).max().orElseThrow() - IntStream.of(raws).min().orElseThrow();
        assertTrue(spread <= REPEATABILITY_COUNTS, "spread " + spread);
    }

    @Test
    void everyChannelAndGainOfTable3CanBeRead() throws SensorException {
        for (Gain gain : Gain.values()) {
            int raw = driver.read(gain);
            assertTrue(raw > -0x800000 && raw < 0x7FFFFF, gain + ": " + raw);
        }
    }

    @Test
    void afterPowerDownAndPowerUpTheChipConvertsAgain() throws SensorException {
        driver.read(Gain.A_64);
        driver.powerDown();
        assertThrows(IllegalStateException.class, () -> driver.read(Gain.A_128));
        driver.powerUp();
        int raw = driver.read(Gain.A_128);
        assertTrue(raw > -0x800000 && raw < 0x7FFFFF, Integer.toString(raw));
    }

    @Test
    void theKioskSeesTheScaleAsBodyWeightInKilograms() throws SensorException {
        Hx711Scale scale = new Hx711Scale(driver, new Hx711Calibration(Gain.A_128, 0, 10_000),
                new Hx711Scale.Settings(3, 0.5, 200));
        assertEquals("29463-7", scale.loinc().value());
        assertEquals("kg", scale.unit().value());
        scale.tare();
        assertEquals(0, scale.read(), 0.5);
    }
}
