package org.telekiosk.protocol.downlink;

/** What a {@link Command} measures. On the wire, the constant's name. */
public enum CommandKind {
    /** One blood-pressure measurement with the cuff (systolic, diastolic, mean, pulse). */
    BLOOD_PRESSURE,
    /** One weight reading from the scale. */
    WEIGHT,
    /** One body-temperature reading from the infrared thermometer. */
    TEMPERATURE,
    /** An ECG recording of {@link Command#seconds()} seconds, streamed as waveform batches. */
    ECG;

    /** The longest ECG recording a command may ask for, in seconds. */
    public static final int MAX_ECG_SECONDS = 60;

    /** Checks {@code seconds} for this kind: 1 to {@value #MAX_ECG_SECONDS} for ECG, 0 for every other kind. */
    public void checkSeconds(int seconds) {
        if (this == ECG) {
            if (seconds < 1 || seconds > MAX_ECG_SECONDS) {
                throw new IllegalArgumentException(
                        "an ECG command lasts 1 to " + MAX_ECG_SECONDS + " seconds, was " + seconds);
            }
        } else if (seconds != 0) {
            throw new IllegalArgumentException("seconds must be 0 for " + this + ", was " + seconds);
        }
    }
}
