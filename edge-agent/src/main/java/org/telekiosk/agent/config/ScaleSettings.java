package org.telekiosk.agent.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The HX711 load-cell amplifier of the scale: keys {@code sensor.hx711.*}.
 *
 * @param enabled         {@code sensor.hx711.enabled}
 * @param clockPin        {@code sensor.hx711.clock-pin}, BCM number of the Pi output wired to PD_SCK
 * @param dataPin         {@code sensor.hx711.data-pin}, BCM number of the Pi input wired to DOUT
 * @param calibrationFile {@code sensor.hx711.calibration-file}, the scale's tare and factor (see {@code CalibrationFile})
 * @param interval        {@code sensor.hx711.interval}, how often the weight is read
 */
public record ScaleSettings(boolean enabled, int clockPin, int dataPin, Path calibrationFile, Duration interval) {
    public ScaleSettings {
        Checks.gpio("sensor.hx711.clock-pin", clockPin);
        Checks.gpio("sensor.hx711.data-pin", dataPin);
        if (clockPin == dataPin) {
            throw new IllegalArgumentException("sensor.hx711.clock-pin and sensor.hx711.data-pin are both GPIO "
                    + clockPin + "; PD_SCK and DOUT need a line each");
        }
        Checks.required("sensor.hx711.calibration-file", calibrationFile);
        Checks.between("sensor.hx711.interval", interval, Duration.ofMillis(100), Duration.ofHours(1));
    }
}
