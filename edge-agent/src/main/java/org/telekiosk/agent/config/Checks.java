package org.telekiosk.agent.config;

import java.time.Duration;
import java.util.Locale;

/** The validation helpers of the configuration records: each message names the key and the expected range. */
final class Checks {
    /** The Raspberry Pi 5's 40-pin header brings out BCM GPIO 0..27. */
    static final int MAX_BCM = 27;

    private Checks() {}

    static void required(String key, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(key + " is required");
        }
    }

    static void between(String key, Duration value, Duration min, Duration max) {
        required(key, value);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(key + " must be between " + Durations.format(min) + " and "
                    + Durations.format(max) + ", was " + Durations.format(value));
        }
    }

    static void between(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", was " + value);
        }
    }

    /** A BCM GPIO number as the Pi's pinout names it ("GPIO 17"), not the header's physical pin number. */
    static void gpio(String key, int bcm) {
        if (bcm < 0 || bcm > MAX_BCM) {
            throw new IllegalArgumentException(key + " must be a BCM GPIO number 0.." + MAX_BCM + " (the number in "
                    + "\"GPIO 17\" on the Raspberry Pi pinout, not the header's pin number 1..40), was " + bcm);
        }
    }

    /** A Linux I2C bus number, {@code /dev/i2c-N}. */
    static void i2cBus(String key, int bus) {
        if (bus < 0 || bus > 99) {
            throw new IllegalArgumentException(key + " must be a Linux I2C bus number 0..99 (/dev/i2c-N; the header's "
                    + "GPIO 2/3 are bus 1), was " + bus);
        }
    }

    /** A 7-bit I2C address among {@code allowed} ({@code min..max}), with the part's reason. */
    static void i2cAddress(String key, int address, int min, int max, String why) {
        if (address < min || address > max) {
            String range = min == max ? hex(min) : hex(min) + ".." + hex(max);
            throw new IllegalArgumentException(key + " must be " + range + " (" + why + "), was " + hex(address));
        }
    }

    static String hex(int value) {
        return String.format(Locale.ROOT, "0x%02X", value);
    }
}
