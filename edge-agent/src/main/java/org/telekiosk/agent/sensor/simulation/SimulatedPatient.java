package org.telekiosk.agent.sensor.simulation;

/**
 * The patient a simulated kiosk measures.
 *
 * @param bodyCelsius  body temperature the thermometer sees, 30..45 °C
 * @param weightKg     weight on the scale, 0..200 kg
 * @param spo2Percent  oxygen saturation the oximeter sees, 70..100 %
 * @param heartRateBpm heart rate of the ECG, the pleth and the blood-pressure monitor's pulse, 30..200 /min
 * @param systolic     systolic pressure, mm[Hg]
 * @param diastolic    diastolic pressure, mm[Hg], below systolic
 */
public record SimulatedPatient(double bodyCelsius, double weightKg, double spo2Percent, double heartRateBpm,
        int systolic, int diastolic) {

    /** A healthy resting adult: 36.8 °C, 72 kg, SpO2 97 %, 72 /min, 120/80 mm[Hg]. */
    public static final SimulatedPatient DEFAULT = new SimulatedPatient(36.8, 72, 97, 72, 120, 80);

    public SimulatedPatient {
        check("body temperature", bodyCelsius, 30, 45);
        check("weight", weightKg, 0, 200);
        check("SpO2", spo2Percent, 70, 100);
        check("heart rate", heartRateBpm, 30, 200);
        if (diastolic < 20 || diastolic >= systolic || systolic > 300) {
            throw new IllegalArgumentException("blood pressure must be 20 <= diastolic < systolic <= 300 mm[Hg], was "
                    + systolic + "/" + diastolic);
        }
    }

    /** The same patient with another body temperature. */
    public SimulatedPatient withBodyCelsius(double celsius) {
        return new SimulatedPatient(celsius, weightKg, spo2Percent, heartRateBpm, systolic, diastolic);
    }

    private static void check(String what, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(what + " must be " + min + ".." + max + ", was " + value);
        }
    }
}
