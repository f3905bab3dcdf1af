package org.telekiosk.agent.sensor.max30102;

/** What {@link PulseOximetry} made of a window of samples: a reading, or the reason there is none. */
public sealed interface OximetryResult {

    /**
     * @param spo2Percent           functional oxygen saturation, 50..100 %
     * @param pulseRateBpm          beats per minute
     * @param perfusionIndexPercent infrared peak-to-peak over mean, in %: how much pulse the sensor sees
     */
    record Reading(double spo2Percent, double pulseRateBpm, double perfusionIndexPercent) implements OximetryResult {}

    /** No trustworthy reading, and why, in words a technician or nurse understands. */
    record NoReading(String reason) implements OximetryResult {}
}
