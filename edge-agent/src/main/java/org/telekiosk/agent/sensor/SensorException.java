package org.telekiosk.agent.sensor;

/**
 * A sensor could not give a valid reading. The message says what happened in words a technician understands
 * ("no answer at I2C bus 1 address 0x5A", "checksum mismatch ..."); {@link #kind()} classifies it for status and
 * metrics.
 */
public final class SensorException extends Exception {
    /** What went wrong, coarsely. */
    public enum Kind {
        /**
         * The device did not answer at all: no acknowledge of its I2C address, no reply on the serial line or no serial
         * device, no data-ready on a GPIO line. It is unplugged, unpowered, or wired to other pins or another address.
         */
        NO_ANSWER,
        /** The transfer failed or came back corrupted: a released or stuck line, bits that cannot be, a short answer. */
        BUS_ERROR,
        /** The chip answered, but the checksum (PEC, CRC) of its answer does not match. */
        CHECKSUM,
        /** The chip answered correctly and reports an error of its own (an error flag, a status code). */
        DEVICE_ERROR,
        /** The chip answered a value that is physically impossible for this sensor. */
        OUT_OF_RANGE
    }

    private final Kind kind;

    public SensorException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public SensorException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The innermost message of a bus error, for a sensor's message: Pi4J wraps the host's error in layers of
     * "Failed to execute action", and the innermost one says what failed. Without a message, the error's simple name.
     */
    public static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}
