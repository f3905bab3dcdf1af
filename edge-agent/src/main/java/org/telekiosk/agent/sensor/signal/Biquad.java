package org.telekiosk.agent.sensor.signal;

/**
 * A second-order IIR section (biquad) with Butterworth response, designed by the bilinear transform as in R. Bristow-
 * Johnson's "Cookbook formulae for audio EQ biquad filter coefficients" (LPF/HPF with Q = 1/√2). Used to band-limit
 * PPG and ECG signals; immutable, so one instance may filter many signals.
 */
public final class Biquad {

    private static final double BUTTERWORTH_Q = 1 / Math.sqrt(2);

    private final double b0;
    private final double b1;
    private final double b2;
    private final double a1;
    private final double a2;

    private Biquad(double b0, double b1, double b2, double a0, double a1, double a2) {
        this.b0 = b0 / a0;
        this.b1 = b1 / a0;
        this.b2 = b2 / a0;
        this.a1 = a1 / a0;
        this.a2 = a2 / a0;
    }

    /** A Butterworth low-pass, -3 dB at {@code cornerHz}, for signals sampled at {@code sampleRateHz}. */
    public static Biquad lowPass(double sampleRateHz, double cornerHz) {
        double w0 = omega(sampleRateHz, cornerHz);
        double alpha = Math.sin(w0) / (2 * BUTTERWORTH_Q);
        double cos = Math.cos(w0);
        return new Biquad((1 - cos) / 2, 1 - cos, (1 - cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
    }

    /** A Butterworth high-pass, -3 dB at {@code cornerHz}, for signals sampled at {@code sampleRateHz}. */
    public static Biquad highPass(double sampleRateHz, double cornerHz) {
        double w0 = omega(sampleRateHz, cornerHz);
        double alpha = Math.sin(w0) / (2 * BUTTERWORTH_Q);
        double cos = Math.cos(w0);
        return new Biquad((1 + cos) / 2, -(1 + cos), (1 + cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
    }

    /** The signal filtered once, forwards, from a state of rest at the first sample's value. */
    public double[] filter(double[] x) {
        double[] y = new double[x.length];
        if (x.length == 0) {
            return y;
        }
        // Start at rest at x[0] so that a large DC offset does not ring through the first seconds.
        double steady = x[0] * (b0 + b1 + b2) / (1 + a1 + a2);
        double x1 = x[0];
        double x2 = x[0];
        double y1 = steady;
        double y2 = steady;
        for (int n = 0; n < x.length; n++) {
            double out = b0 * x[n] + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
            x2 = x1;
            x1 = x[n];
            y2 = y1;
            y1 = out;
            y[n] = out;
        }
        return y;
    }

    /** The signal filtered forwards and then backwards: zero phase shift, squared magnitude response. */
    public double[] filterZeroPhase(double[] x) {
        return reverse(filter(reverse(filter(x))));
    }

    private static double[] reverse(double[] x) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = x[x.length - 1 - i];
        }
        return r;
    }

    private static double omega(double sampleRateHz, double cornerHz) {
        if (!(cornerHz > 0 && cornerHz < sampleRateHz / 2)) {
            throw new IllegalArgumentException("corner " + cornerHz + " Hz must lie between 0 and the Nyquist"
                    + " frequency " + sampleRateHz / 2 + " Hz");
        }
        return 2 * Math.PI * cornerHz / sampleRateHz;
    }
}
