package org.telekiosk.agent.sensor.ecg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PanTompkinsTest {

    private static double[] ecg(double bpm, double fs, double seconds, long seed) {
        SyntheticEcg source = new SyntheticEcg(bpm, seed);
        double[] x = new double[(int) (fs * seconds)];
        for (int i = 0; i < x.length; i++) {
            x[i] = source.millivolts(i / fs);
        }
        return x;
    }

    @ParameterizedTest
    @ValueSource(ints = {30, 45, 72, 120, 200, 240})
    void everyBeatIsFoundOnceWithTheTWaveNeverCountedEvenBeyondTheContractsRange(int bpm) {
        double[] peaks = new PanTompkins(250).rPeaks(ecg(bpm, 250, 12, 5));
        double interval = 250 * 60.0 / bpm;
        for (int i = 1; i < peaks.length; i++) {
            assertEquals(interval, peaks[i] - peaks[i - 1], 1.0, "interval " + i);
        }
        assertEquals(bpm, new PanTompkins(250).heartRate(ecg(bpm, 250, 12, 5)).orElseThrow(), 0.5);
    }

    @Test
    void aFlatLineHasNoBeats() {
        assertTrue(new PanTompkins(250).heartRate(new double[2500]).isEmpty());
    }

    @Test
    void aWindowTooShortToLearnTheThresholdsHasNoBeats() {
        assertEquals(0, new PanTompkins(250).rPeaks(ecg(72, 250, 2.9, 1)).length);
    }

    @Test
    void theRPeakSitsOnTheSyntheticRWave() {
        // SyntheticEcg puts its first R wave at 0.3 s and then one every 60/bpm s.
        double[] peaks = new PanTompkins(500).rPeaks(ecg(60, 500, 6, 2));
        assertEquals(0.3 + 1, peaks[0] / 500, 0.004);
    }
}
