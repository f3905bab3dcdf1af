package org.telekiosk.agent.sensor.bloodpressure;

import org.telekiosk.protocol.UcumUnit;

/**
 * One measurement: pressures in mm[Hg] (LOINC 8480-6 systolic, 8462-4 diastolic, 8478-0 mean), pulse in /min
 * (LOINC 8867-4).
 */
public record BloodPressureReading(int systolic, int diastolic, int mean, int pulse) {

    /** The unit of the three pressures. */
    public static final UcumUnit PRESSURE_UNIT = UcumUnit.of("mm[Hg]");
    /** The unit of the pulse rate. */
    public static final UcumUnit PULSE_UNIT = UcumUnit.of("/min");
}
