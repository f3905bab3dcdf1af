package org.telekiosk.agent.sensor.max30102;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.telekiosk.agent.sensor.signal.Biquad;
import org.telekiosk.agent.sensor.signal.Peaks;

/**
 * SpO2 and pulse rate from a window of red/IR samples of a MAX30102 in SpO2 mode.
 *
 * <p><b>SpO2, ratio of ratios.</b> Each channel's pulsatile part (AC, the RMS of the signal band-passed to
 * 0.5-6 Hz, forwards and backwards so both channels see the same filter) is divided by its steady part (DC, the mean).
 * {@code R = (AC_red/DC_red) / (AC_ir/DC_ir)}, and {@code SpO2 = 110 - 25 R}: the empirical linear calibration of
 * J. G. Webster (ed.), "Design of Pulse Oximeters", IOP Publishing 1997 (the chapter on calibration). The line is a
 * generic one; a kiosk used for diagnosis needs a calibration of its own sensor against a CO-oximeter, which replaces
 * {@link #spo2For} and {@link #ratioFor} and nothing else.
 *
 * <p><b>Pulse rate, peak detection.</b> Beats are the maxima of the upslope of the (inverted) IR pulse, the steepest
 * point of the systolic rise, which a dicrotic wave never matches: a maximum of the derivative above half the
 * window's 98th percentile, at least 250 ms (240 bpm) after the previous beat, located to a fraction of a sample by a
 * parabola. The rate is 60 s over the median beat interval, which one beat added by noise does not move. If more
 * than a fifth of the intervals lie outside 70-140 % of the median interval, noise or motion has added or hidden
 * beats (or the rhythm is irregular), and no rate is given: a kiosk says it cannot count rather than count wrong.
 *
 * <p>The window's first and last 0.5 s are left out (filter settling). Without a finger, with a saturated ADC, with
 * too little pulse, red and IR pulses that do not correlate (at least 0.95), or too few or irregular beats, the
 * result is a {@link OximetryResult.NoReading} with the reason, never a number.
 */
public final class PulseOximetry {

    /** Shortest window analysed, in seconds: two beats at 30 bpm plus the settling margins. */
    public static final double MIN_WINDOW_SECONDS = 5;
    private static final double EDGE_SECONDS = 0.5;
    private static final double REFRACTORY_SECONDS = 0.25;
    private static final int ADC_FULL = 1 << 18;
    /** Below this IR level (about 2 % of full scale) nothing reflects the LEDs: no finger. */
    private static final double NO_FINGER_COUNTS = ADC_FULL * 0.02;
    private static final double MIN_PERFUSION_PERCENT = 0.05;
    /**
     * Both channels see the same arterial pulse, so their pulsatile parts correlate near 1; noise and motion, which
     * differ between the channels or add to both alike, lower it and bias the ratio towards 1. Below this, no reading.
     */
    private static final double MIN_CORRELATION = 0.95;

    private final double sampleRateHz;
    private final Biquad highPass;
    private final Biquad lowPass;

    /** @param sampleRateHz FIFO samples per second, {@link Max30102Config#outputRateHz()} */
    public PulseOximetry(double sampleRateHz) {
        if (!(sampleRateHz >= 25)) {
            throw new IllegalArgumentException("pulse oximetry needs at least 25 samples/s, was " + sampleRateHz);
        }
        this.sampleRateHz = sampleRateHz;
        this.highPass = Biquad.highPass(sampleRateHz, 0.5);
        this.lowPass = Biquad.lowPass(sampleRateHz, 6);
    }

    /** The ratio of ratios the calibration assigns to {@code spo2Percent}: {@code (110 - SpO2) / 25}. */
    public static double ratioFor(double spo2Percent) {
        return (110 - spo2Percent) / 25;
    }

    /** The calibration curve: {@code SpO2 = 110 - 25 R}. */
    public static double spo2For(double ratio) {
        return 110 - 25 * ratio;
    }

    /** Analyses {@code samples}, oldest first, taken without a gap at this instance's sample rate. */
    public OximetryResult analyse(List<PpgSample> samples) {
        int n = samples.size();
        if (n < MIN_WINDOW_SECONDS * sampleRateHz) {
            return new OximetryResult.NoReading(String.format(Locale.ROOT,
                    "%.1f s of samples, at least %.0f s needed", n / sampleRateHz, MIN_WINDOW_SECONDS));
        }
        double[] red = new double[n];
        double[] ir = new double[n];
        for (int i = 0; i < n; i++) {
            red[i] = samples.get(i).red();
            ir[i] = samples.get(i).ir();
        }
        double dcRed = mean(red);
        double dcIr = mean(ir);
        if (dcIr < NO_FINGER_COUNTS || dcRed < NO_FINGER_COUNTS) {
            return new OximetryResult.NoReading(String.format(Locale.ROOT,
                    "no finger on the sensor: mean IR %.0f, red %.0f counts", dcIr, dcRed));
        }
        if (max(ir) >= ADC_FULL * 0.98 || max(red) >= ADC_FULL * 0.98) {
            return new OximetryResult.NoReading("the ADC is saturated: lower the LED current or raise the ADC range");
        }
        int edge = (int) Math.ceil(EDGE_SECONDS * sampleRateHz);
        double[] acRed = interior(bandPass(red), edge);
        double[] acIr = interior(bandPass(ir), edge);
        double perfusion = (max(acIr) - min(acIr)) / dcIr * 100;
        if (perfusion < MIN_PERFUSION_PERCENT) {
            return new OximetryResult.NoReading(String.format(Locale.ROOT,
                    "no pulse in the signal: perfusion index %.3f %%", perfusion));
        }
        double correlation = correlation(acRed, acIr);
        if (correlation < MIN_CORRELATION) {
            return new OximetryResult.NoReading(String.format(Locale.ROOT,
                    "signal too noisy: red and IR pulses correlate only %.2f (motion, ambient light, loose finger)",
                    correlation));
        }
        double ratio = (rms(acRed) / dcRed) / (rms(acIr) / dcIr);
        double spo2 = spo2For(ratio);
        if (spo2 < 50 || spo2 > 102) {
            return new OximetryResult.NoReading(String.format(Locale.ROOT,
                    "ratio of ratios %.3f lies outside the calibrated range (SpO2 50-100 %%)", ratio));
        }
        double[] beats = beats(acIr);
        int count = (int) Arrays.stream(beats).filter(Double::isFinite).count();
        if (count < 3) {
            return new OximetryResult.NoReading(count + " beats found in the window, at least 3 needed");
        }
        double[] intervals = new double[count - 1];
        for (int i = 1; i < count; i++) {
            intervals[i - 1] = beats[i] - beats[i - 1];
        }
        double median = median(intervals);
        long irregular = Arrays.stream(intervals).filter(v -> v < 0.7 * median || v > 1.4 * median).count();
        if (irregular * 5 > intervals.length) {
            return new OximetryResult.NoReading(String.format(Locale.ROOT,
                    "beats too irregular to count: %d of %d intervals outside 70-140 %% of the median (noise,"
                            + " motion or arrhythmia)", irregular, intervals.length));
        }
        double pulse = 60 * sampleRateHz / median;
        return new OximetryResult.Reading(Math.min(spo2, 100), pulse, perfusion);
    }

    /** Beat positions (fractional sample indices), finite ones first; see the class comment. */
    private double[] beats(double[] ac) {
        double[] slope = new double[ac.length];
        for (int i = 1; i < ac.length - 1; i++) {
            slope[i] = (ac[i - 1] - ac[i + 1]) / 2; // inverted: light falls as the artery fills
        }
        double[] sorted = slope.clone();
        Arrays.sort(sorted);
        double threshold = 0.5 * sorted[(int) (sorted.length * 0.98)];
        int refractory = (int) Math.round(REFRACTORY_SECONDS * sampleRateHz);
        double[] beats = new double[ac.length];
        Arrays.fill(beats, Double.NaN);
        int count = 0;
        int last = -refractory;
        for (int i = 1; i < slope.length - 1; i++) {
            if (slope[i] <= threshold || slope[i] < slope[i - 1] || slope[i] <= slope[i + 1]) {
                continue;
            }
            if (i - last < refractory) {
                if (count > 0 && slope[i] > slope[last]) {
                    beats[count - 1] = Peaks.interpolate(slope, i);
                    last = i;
                }
                continue;
            }
            beats[count++] = Peaks.interpolate(slope, i);
            last = i;
        }
        return beats;
    }

    private static double median(double[] x) {
        double[] sorted = x.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private double[] bandPass(double[] x) {
        return lowPass.filterZeroPhase(highPass.filterZeroPhase(x));
    }

    private static double[] interior(double[] x, int edge) {
        return Arrays.copyOfRange(x, edge, x.length - edge);
    }

    private static double mean(double[] x) {
        return Arrays.stream(x).average().orElse(0);
    }

    private static double rms(double[] x) {
        double m = mean(x);
        return Math.sqrt(Arrays.stream(x).map(v -> (v - m) * (v - m)).average().orElse(0));
    }

    private static double correlation(double[] x, double[] y) {
        double mx = mean(x);
        double my = mean(y);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? 0 : sxy / Math.sqrt(sxx * syy);
    }

    private static double max(double[] x) {
        return Arrays.stream(x).max().orElse(0);
    }

    private static double min(double[] x) {
        return Arrays.stream(x).min().orElse(0);
    }
}
