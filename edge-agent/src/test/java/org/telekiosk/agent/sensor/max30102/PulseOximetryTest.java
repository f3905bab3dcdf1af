package org.telekiosk.agent.sensor.max30102;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class PulseOximetryTest {

    private final PulseOximetry oximetry = new PulseOximetry(100);

    private static List<PpgSample> samples(int n, IntFunction<PpgSample> sample) {
        List<PpgSample> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(sample.apply(i));
        }
        return list;
    }

    private static String reason(OximetryResult result) {
        return assertInstanceOf(OximetryResult.NoReading.class, result).reason();
    }

    @Test
    void theCalibrationLineAndItsInverseAgree() {
        assertEquals(0.4, PulseOximetry.ratioFor(100), 1e-12);
        assertEquals(1.0, PulseOximetry.ratioFor(85), 1e-12);
        assertEquals(97.5, PulseOximetry.spo2For(PulseOximetry.ratioFor(97.5)), 1e-12);
    }

    @Test
    void aWindowShorterThanFiveSecondsGivesNoReading() {
        assertEquals("4.9 s of samples, at least 5 s needed",
                reason(oximetry.analyse(samples(490, _ -> new PpgSample(60000, 90000)))));
    }

    @Test
    void aSteadySignalHasNoPulse() {
        assertTrue(reason(oximetry.analyse(samples(800, _ -> new PpgSample(60000, 90000))))
                .startsWith("no pulse in the signal"));
    }

    @Test
    void darknessMeansNoFinger() {
        assertEquals("no finger on the sensor: mean IR 300, red 200 counts",
                reason(oximetry.analyse(samples(800, _ -> new PpgSample(200, 300)))));
    }

    @Test
    void aSaturatedAdcIsSaid() {
        assertTrue(reason(oximetry.analyse(samples(800, i -> new PpgSample(60000, i % 100 == 0 ? 262143 : 200000))))
                .startsWith("the ADC is saturated"));
    }

    @Test
    void aPulseOnOneChannelOnlyIsOutsideTheCalibration() {
        // Red pulsates 5x as deeply as IR: R = 5, far beyond SpO2 50 %.
        IntFunction<PpgSample> sample = i -> {
            double pulse = Math.sin(2 * Math.PI * i / 80.0);
            return new PpgSample((int) (60000 * (1 - 0.05 * pulse)), (int) (90000 * (1 - 0.01 * pulse)));
        };
        assertTrue(reason(oximetry.analyse(samples(800, sample))).startsWith("ratio of ratios 5.0"));
    }

    @Test
    void aSimulatedFingerAtRestReadsAsItIs() {
        SimulatedFinger finger = new SimulatedFinger(Physiology.RESTING, 3);
        List<PpgSample> window = samples(800, i -> {
            PpgSource.Transfer t = finger.at(i / 100.0);
            return new PpgSample((int) (t.redNanoampsPerMilliamp() * 7.2 * 64),
                    (int) (t.irNanoampsPerMilliamp() * 7.2 * 64));
        });
        OximetryResult.Reading reading = assertInstanceOf(OximetryResult.Reading.class, oximetry.analyse(window));
        assertEquals(98, reading.spo2Percent(), 0.5);
        assertEquals(72, reading.pulseRateBpm(), 0.5);
        assertEquals(2.0, reading.perfusionIndexPercent(), 0.5);
    }
}
