package org.telekiosk.agent.config;

import java.time.Duration;

/**
 * The serial blood-pressure monitor: keys {@code sensor.bp-monitor.*}. It measures only on request.
 *
 * @param enabled       {@code sensor.bp-monitor.enabled}
 * @param serialDevice  {@code sensor.bp-monitor.serial-device}, e.g. {@code /dev/serial0}
 * @param checkInterval {@code sensor.bp-monitor.check-interval}, how often the monitor is asked for its status
 *                      between measurements, so that its health is known
 */
public record BloodPressureSettings(boolean enabled, String serialDevice, Duration checkInterval) {
    public BloodPressureSettings {
        Checks.required("sensor.bp-monitor.serial-device", serialDevice);
        if (!serialDevice.startsWith("/dev/") || serialDevice.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("sensor.bp-monitor.serial-device must be a device path such as "
                    + "/dev/serial0 or /dev/ttyUSB0, was '" + serialDevice + "'");
        }
        Checks.between("sensor.bp-monitor.check-interval", checkInterval, Duration.ofSeconds(1), Duration.ofHours(1));
    }

    /** Whether the device is the Pi's own UART on GPIO 14/15 rather than a USB adapter. */
    public boolean usesHeaderUart() {
        return serialDevice.equals("/dev/serial0") || serialDevice.equals("/dev/ttyAMA0");
    }
}
