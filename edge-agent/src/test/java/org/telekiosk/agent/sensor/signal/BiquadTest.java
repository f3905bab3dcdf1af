package org.telekiosk.agent.sensor.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BiquadTest {

    private static double[] sine(double hz, double fs, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.sin(2 * Math.PI * hz * i / fs);
        }
        return x;
    }

    /** The largest magnitude in the middle of {@code x}, away from either end's settling. */
    private static double peak(double[] x) {
        return Arrays.stream(x, x.length / 3, 2 * x.length / 3).map(Math::abs).max().orElseThrow();
    }

    @Test
    void aLowPassLetsASteadyLevelThroughUnchanged() {
        double[] y = Biquad.lowPass(100, 5).filter(new double[] {7, 7, 7, 7, 7});
        for (double v : y) {
            assertEquals(7, v, 1e-9);
        }
    }

    @Test
    void aHighPassRemovesASteadyLevelFromTheFirstSampleOn() {
        double[] y = Biquad.highPass(100, 0.5).filter(new double[] {1e5, 1e5, 1e5});
        for (double v : y) {
            assertEquals(0, v, 1e-6);
        }
    }

    @Test
    void atTheCornerOnePassHalvesThePowerAndZeroPhaseFilteringHalvesTheAmplitude() {
        Biquad lowPass = Biquad.lowPass(250, 15);
        assertEquals(Math.sqrt(0.5), peak(lowPass.filter(sine(15, 250, 2500))), 0.01);
        assertEquals(0.5, peak(lowPass.filterZeroPhase(sine(15, 250, 2500))), 0.01);
    }

    @Test
    void aCornerAtOrBeyondNyquistIsRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Biquad.lowPass(100, 50));
    }

    @Test
    void aParabolasVertexIsFoundBetweenSamples() {
        double[] y = new double[5];
        for (int i = 0; i < 5; i++) {
            y[i] = -(i - 2.3) * (i - 2.3);
        }
        assertEquals(2.3, Peaks.interpolate(y, 2), 1e-12);
    }

    @Test
    void theRateIsTheIntervalsOverTheirSpan() {
        assertEquals(60.0, Peaks.beatsPerMinute(new double[] {10, 110, 210, 310}, 4, 100), 1e-12);
    }
}
