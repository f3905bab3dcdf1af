package org.telekiosk.agent.sensor.signal;

/** Small helpers shared by the PPG and ECG beat detectors. */
public final class Peaks {
    private Peaks() {}

    /**
     * The position of the vertex of the parabola through {@code y[i-1], y[i], y[i+1]}, as a fractional index: the
     * sub-sample location of a local extremum, so that beat intervals are not quantised to the sample period.
     */
    public static double interpolate(double[] y, int i) {
        if (i <= 0 || i >= y.length - 1) {
            return i;
        }
        double denominator = y[i - 1] - 2 * y[i] + y[i + 1];
        if (denominator == 0) {
            return i;
        }
        double offset = 0.5 * (y[i - 1] - y[i + 1]) / denominator;
        return i + Math.clamp(offset, -0.5, 0.5);
    }

    /**
     * Beats per minute from beat times in samples: the number of intervals over the time they span, which averages
     * the intervals without letting one missed or extra beat dominate as a median of few intervals might.
     */
    public static double beatsPerMinute(double[] beatSamples, int count, double sampleRateHz) {
        double span = beatSamples[count - 1] - beatSamples[0];
        return 60.0 * sampleRateHz * (count - 1) / span;
    }
}
