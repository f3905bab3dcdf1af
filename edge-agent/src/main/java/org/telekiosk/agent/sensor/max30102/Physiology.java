package org.telekiosk.agent.sensor.max30102;

/**
 * The patient a simulated pulse oximeter sees.
 *
 * @param heartRateBpm          pulse rate, 20..250 beats per minute
 * @param spo2Percent           arterial oxygen saturation, 50..100 %
 * @param perfusionIndexPercent pulsatile over steady infrared absorption (AC/DC), 0.1..20 %; 1-5 % is typical at a
 *                              fingertip
 */
public record Physiology(double heartRateBpm, double spo2Percent, double perfusionIndexPercent) {

    /** A resting adult: 72 bpm, 98 %, perfusion index 2 %. */
    public static final Physiology RESTING = new Physiology(72, 98, 2);

    public Physiology {
        check("heartRateBpm", heartRateBpm, 20, 250);
        check("spo2Percent", spo2Percent, 50, 100);
        check("perfusionIndexPercent", perfusionIndexPercent, 0.1, 20);
    }

    private static void check(String name, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", was " + value);
        }
    }
}
