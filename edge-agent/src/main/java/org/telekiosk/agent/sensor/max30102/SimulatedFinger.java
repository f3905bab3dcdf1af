package org.telekiosk.agent.sensor.max30102;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A fingertip on the sensor, as a {@link PpgSource}: steady absorption plus a pulsatile part that follows the heart,
 * with respiratory baseline wander and sensor noise from a seeded generator, so that runs repeat exactly.
 *
 * <p>Model. Each beat's arterial volume is a fast systolic wave and a smaller, later dicrotic wave (two Gaussians in
 * the beat's phase). Light reaching the photodiode falls as volume rises: {@code T(t) = T0 (1 - m p(t)) + wander +
 * noise}, where {@code p} peaks near 1 and the modulation depth {@code m} is the perfusion index for infrared and
 * {@code R} times it for red. {@code R} is the ratio of ratios that {@link PulseOximetry#ratioFor} assigns to the
 * wanted SpO2: the simulation inverts the algorithm's calibration curve, as a calibrated finger phantom would.
 * The heart's phase is integrated, so changing the heart rate does not make the waveform jump.
 */
public final class SimulatedFinger implements PpgSource {

    /** Typical steady transfer at a fingertip, nA per mA: about 1 µA of IR photocurrent at 7 mA drive. */
    private static final double RED_BASE = 100;
    private static final double IR_BASE = 150;
    private static final double NOISE_RELATIVE = 0.0002;
    private static final double WANDER_RELATIVE = 0.001;
    private static final double BREATHS_PER_SECOND = 0.25;

    private final SplittableRandom random;
    private final double noiseFactor;
    private Physiology physiology;
    private double phase;
    private double lastSeconds = Double.NaN;

    /** A finger with typical noise: 0.02 % of the light per conversion, 0.1 % respiratory wander. */
    public SimulatedFinger(Physiology physiology, long seed) {
        this(physiology, seed, 1);
    }

    /** @param noiseFactor scales noise and wander; 10 stands for a restless patient in daylight */
    public SimulatedFinger(Physiology physiology, long seed, double noiseFactor) {
        if (!(noiseFactor >= 0)) {
            throw new IllegalArgumentException("noiseFactor must be 0 or more, was " + noiseFactor);
        }
        this.physiology = Objects.requireNonNull(physiology, "physiology");
        this.random = new SplittableRandom(seed);
        this.noiseFactor = noiseFactor;
    }

    /** Changes the patient from now on. */
    public synchronized void setPhysiology(Physiology newPhysiology) {
        physiology = Objects.requireNonNull(newPhysiology, "newPhysiology");
    }

    @Override
    public synchronized Transfer at(double seconds) {
        if (!Double.isNaN(lastSeconds)) {
            phase += (seconds - lastSeconds) * physiology.heartRateBpm() / 60;
        }
        lastSeconds = seconds;
        double pulse = pulseShape(phase - Math.floor(phase));
        double irDepth = physiology.perfusionIndexPercent() / 100;
        double redDepth = irDepth * PulseOximetry.ratioFor(physiology.spo2Percent());
        double wander = noiseFactor * WANDER_RELATIVE * Math.sin(2 * Math.PI * BREATHS_PER_SECOND * seconds);
        double noise = noiseFactor * NOISE_RELATIVE;
        double red = RED_BASE * (1 - redDepth * pulse + wander + noise * random.nextGaussian());
        double ir = IR_BASE * (1 - irDepth * pulse + wander + noise * random.nextGaussian());
        return new Transfer(red, ir);
    }

    /** Arterial volume over one beat, 0..~1: systolic wave at 20 % of the beat, dicrotic wave at 50 %. */
    static double pulseShape(double beatPhase) {
        return gaussian(beatPhase, 0.20, 0.07) + 0.35 * gaussian(beatPhase, 0.50, 0.09)
                + gaussian(beatPhase, 1.20, 0.07) + gaussian(beatPhase, -0.80, 0.07);
    }

    private static double gaussian(double x, double centre, double width) {
        double z = (x - centre) / width;
        return Math.exp(-0.5 * z * z);
    }
}
