package org.telekiosk.agent.sensor.ecg;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.SplittableRandom;

/**
 * A synthetic lead-II ECG in mV: each beat a sum of five Gaussians, P, Q, R, S and T, as in McSharry et al. (2003);
 * P and T move and widen with the R-R interval as its square root (Bazett), QRS stays fixed. Added: baseline wander
 * from breathing, 50 Hz mains hum and white noise from a seeded generator, so that runs repeat exactly. The rhythm is
 * regular at the set heart rate; a new rate applies from the next beat.
 *
 * <p>Not thread-safe; {@link SimulatedAd8232} guards it. Call {@link #millivolts} with non-decreasing times.
 */
public final class SyntheticEcg {

    /** Offset from the R peak and width, in s at an R-R interval of 1 s, and amplitude in mV, of P, Q, R, S, T. */
    private static final double[][] WAVES = {
        {-0.17, 0.025, 0.15, 1}, {-0.03, 0.010, -0.12, 0}, {0, 0.011, 1.00, 0}, {0.03, 0.010, -0.25, 0},
        {0.30, 0.060, 0.30, 1},
    };
    private static final double NOISE_MV = 0.02;
    private static final double WANDER_MV = 0.10;
    private static final double MAINS_MV = 0.02;

    private final SplittableRandom random;
    private final double noiseFactor;
    private final Deque<double[]> beats = new ArrayDeque<>();
    private double heartRateBpm;

    /** @param heartRateBpm 20..250; noise: 0.02 mV white, 0.02 mV mains, 0.1 mV wander */
    public SyntheticEcg(double heartRateBpm, long seed) {
        this(heartRateBpm, seed, 1);
    }

    /** @param noiseFactor scales white noise and mains hum (not the wander, which would rail the front end) */
    public SyntheticEcg(double heartRateBpm, long seed, double noiseFactor) {
        if (!(noiseFactor >= 0)) {
            throw new IllegalArgumentException("noiseFactor must be 0 or more, was " + noiseFactor);
        }
        setHeartRate(heartRateBpm);
        this.random = new SplittableRandom(seed);
        this.noiseFactor = noiseFactor;
        beats.add(new double[] {0.3, 60 / heartRateBpm});
    }

    public void setHeartRate(double bpm) {
        if (!(bpm >= 20 && bpm <= 250)) {
            throw new IllegalArgumentException("heart rate must be 20..250 bpm, was " + bpm);
        }
        heartRateBpm = bpm;
    }

    /** The ECG at {@code seconds}, in mV at the electrodes. */
    public double millivolts(double seconds) {
        while (beats.getLast()[0] < seconds + 1) {
            double rr = 60 / heartRateBpm;
            beats.addLast(new double[] {beats.getLast()[0] + rr, rr});
        }
        while (beats.size() > 1 && beats.getFirst()[0] < seconds - 2) {
            beats.removeFirst();
        }
        double value = 0;
        for (double[] beat : beats) {
            double scale = Math.sqrt(beat[1]);
            for (double[] wave : WAVES) {
                double stretch = wave[3] == 1 ? scale : 1;
                double z = (seconds - beat[0] - wave[0] * stretch) / (wave[1] * stretch);
                value += wave[2] * Math.exp(-0.5 * z * z);
            }
        }
        value += WANDER_MV * Math.sin(2 * Math.PI * 0.25 * seconds);
        value += noiseFactor * MAINS_MV * Math.sin(2 * Math.PI * 50 * seconds);
        return value + noiseFactor * NOISE_MV * random.nextGaussian();
    }
}
