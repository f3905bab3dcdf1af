package org.telekiosk.agent.sensor.bloodpressure;

/**
 * One measurement: pressures in mm[Hg] (LOINC 8480-6 systolic, 8462-4 diastolic, 8478-0 mean), pulse in /min
 * (LOINC 8867-4).
 */
public record BloodPressureReading(int systolic, int diastolic, int mean, int pulse) {

    /** Systolic pressure, UCUM {@code mm[Hg]}. */
    public static final String PRESSURE_UNIT = "mm[Hg]";
    /** Pulse rate, UCUM {@code /min}. */
    public static final String PULSE_UNIT = "/min";
}
