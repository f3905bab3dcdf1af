package org.telekiosk.agent.sensor.ecg;

import java.util.Arrays;
import java.util.OptionalDouble;
import org.telekiosk.agent.sensor.signal.Biquad;
import org.telekiosk.agent.sensor.signal.Peaks;

/**
 * R-peak detection and heart rate after Pan and Tompkins (1985), on a window of ECG samples.
 *
 * <ol>
 *   <li>Band-pass 5-15 Hz (Butterworth high-pass and low-pass, run forwards and backwards, so that peaks keep their
 *       place): keeps the QRS, suppresses baseline wander, P and T waves, mains hum and muscle noise.</li>
 *   <li>Five-point derivative {@code (2x[n+2] + x[n+1] - x[n-1] - 2x[n-2]) / 8}, centred; then squaring.</li>
 *   <li>Moving-window integration over 150 ms (the widest QRS), centred.</li>
 *   <li>Candidates: maxima of the integrated signal over ±200 ms. A candidate above
 *       {@code THRESHOLD = NPKI + 0.25 (SPKI - NPKI)} and at least 200 ms (the refractory period) after the last QRS
 *       is a QRS and updates {@code SPKI = 0.125 peak + 0.875 SPKI}; otherwise it updates NPKI likewise. SPKI and
 *       NPKI start from the first 2 s (a third of the maximum, half the mean), as in the paper. The paper's search-back
 *       for missed beats is left out: a window is analysed whole, and a missed beat shows as a lower rate, not as a
 *       wrong interval.</li>
 *   <li>Each R peak is the maximum of the band-passed signal within ±150 ms of its QRS, located to a fraction of a
 *       sample by a parabola.</li>
 * </ol>
 *
 * <p>The first and last 0.5 s of a window are left out (filter settling). The rate is the number of R-R intervals
 * over their span.
 */
public final class PanTompkins {

    private static final double EDGE_SECONDS = 0.5;
    private static final double LEARNING_SECONDS = 2;

    private final double sampleRateHz;
    private final Biquad highPass;
    private final Biquad lowPass;
    private final int integration;
    private final int refractory;

    /** @param sampleRateHz samples per second, at least 100 */
    public PanTompkins(double sampleRateHz) {
        if (!(sampleRateHz >= 100)) {
            throw new IllegalArgumentException("QRS detection needs at least 100 samples/s, was " + sampleRateHz);
        }
        this.sampleRateHz = sampleRateHz;
        this.highPass = Biquad.highPass(sampleRateHz, 5);
        this.lowPass = Biquad.lowPass(sampleRateHz, 15);
        this.integration = (int) Math.round(0.150 * sampleRateHz);
        this.refractory = (int) Math.round(0.200 * sampleRateHz);
    }

    /** R-peak positions in {@code ecg} (fractional sample indices), oldest first. */
    public double[] rPeaks(double[] ecg) {
        int n = ecg.length;
        int edge = (int) Math.ceil(EDGE_SECONDS * sampleRateHz);
        if (n < 2 * edge + LEARNING_SECONDS * sampleRateHz) {
            return new double[0];
        }
        double[] band = lowPass.filterZeroPhase(highPass.filterZeroPhase(ecg));
        double[] integrated = integrate(squaredSlope(band));
        int learningEnd = edge + (int) (LEARNING_SECONDS * sampleRateHz);
        double[] learning = Arrays.copyOfRange(integrated, edge, learningEnd);
        double signalLevel = Arrays.stream(learning).max().orElse(0) / 3;
        double noiseLevel = Arrays.stream(learning).average().orElse(0) / 2;
        double[] peaks = new double[n];
        int count = 0;
        int lastQrs = -refractory;
        for (int i = edge; i < n - edge; i++) {
            if (integrated[i] <= 0 || !isWindowMaximum(integrated, i)) {
                continue;
            }
            double threshold = noiseLevel + 0.25 * (signalLevel - noiseLevel);
            if (integrated[i] > threshold && i - lastQrs >= refractory) {
                signalLevel = 0.125 * integrated[i] + 0.875 * signalLevel;
                peaks[count++] = rPeakNear(band, i);
                lastQrs = i;
            } else {
                noiseLevel = 0.125 * integrated[i] + 0.875 * noiseLevel;
            }
        }
        return Arrays.copyOf(peaks, count);
    }

    /** Heart rate over the window in beats per minute, or empty with fewer than three R peaks. */
    public OptionalDouble heartRate(double[] ecg) {
        double[] peaks = rPeaks(ecg);
        if (peaks.length < 3) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Peaks.beatsPerMinute(peaks, peaks.length, sampleRateHz));
    }

    private static double[] squaredSlope(double[] x) {
        double[] y = new double[x.length];
        for (int i = 2; i < x.length - 2; i++) {
            double slope = (2 * x[i + 2] + x[i + 1] - x[i - 1] - 2 * x[i - 2]) / 8;
            y[i] = slope * slope;
        }
        return y;
    }

    private double[] integrate(double[] x) {
        double[] prefix = new double[x.length + 1];
        for (int i = 0; i < x.length; i++) {
            prefix[i + 1] = prefix[i] + x[i];
        }
        double[] y = new double[x.length];
        int half = integration / 2;
        for (int i = 0; i < x.length; i++) {
            int from = Math.max(0, i - half);
            int to = Math.min(x.length, i + half + 1);
            y[i] = (prefix[to] - prefix[from]) / (to - from);
        }
        return y;
    }

    private boolean isWindowMaximum(double[] x, int i) {
        int from = Math.max(0, i - refractory);
        int to = Math.min(x.length - 1, i + refractory);
        for (int j = from; j <= to; j++) {
            // Ties go to the earliest sample, so a flat top yields one candidate.
            if (x[j] > x[i] || (x[j] == x[i] && j < i)) {
                return false;
            }
        }
        return true;
    }

    private double rPeakNear(double[] band, int qrs) {
        int from = Math.max(1, qrs - integration);
        int to = Math.min(band.length - 2, qrs + integration);
        int best = from;
        for (int j = from; j <= to; j++) {
            if (band[j] > band[best]) {
                best = j;
            }
        }
        return Peaks.interpolate(band, best);
    }
}
