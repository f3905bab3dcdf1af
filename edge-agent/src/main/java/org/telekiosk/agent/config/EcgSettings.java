package org.telekiosk.agent.config;

import java.time.Duration;
import java.util.Set;

/**
 * The ECG: an AD8232 front end whose output an ADS1115 converts, and whose lead-off outputs two GPIOs read; keys
 * {@code sensor.ads1115.*}.
 *
 * @param enabled            {@code sensor.ads1115.enabled}
 * @param bus                {@code sensor.ads1115.i2c-bus}
 * @param address            {@code sensor.ads1115.i2c-address}, 0x48..0x4B by the ADS1115's ADDR pin
 * @param leadOffPlusPin     {@code sensor.ads1115.lead-off-plus-pin}, BCM number of the Pi input wired to LO+
 * @param leadOffMinusPin    {@code sensor.ads1115.lead-off-minus-pin}, BCM number of the Pi input wired to LO-
 * @param sampleRate         {@code sensor.ads1115.sample-rate}, conversions per second: 250, 475 or 860
 * @param batch              {@code sensor.ads1115.batch}, how much ECG waveform one batch carries
 * @param heartRateInterval  {@code sensor.ads1115.heart-rate-interval}, how often the heart rate is sent
 */
public record EcgSettings(boolean enabled, int bus, int address, int leadOffPlusPin, int leadOffMinusPin,
        int sampleRate, Duration batch, Duration heartRateInterval) {
    public EcgSettings {
        Checks.i2cBus("sensor.ads1115.i2c-bus", bus);
        Checks.i2cAddress("sensor.ads1115.i2c-address", address, 0x48, 0x4B,
                "set by the ADS1115's ADDR pin: GND 0x48, VDD 0x49, SDA 0x4A, SCL 0x4B");
        Checks.gpio("sensor.ads1115.lead-off-plus-pin", leadOffPlusPin);
        Checks.gpio("sensor.ads1115.lead-off-minus-pin", leadOffMinusPin);
        if (leadOffPlusPin == leadOffMinusPin) {
            throw new IllegalArgumentException("sensor.ads1115.lead-off-plus-pin and sensor.ads1115.lead-off-minus-pin"
                    + " are both GPIO " + leadOffPlusPin + "; LO+ and LO- need a line each");
        }
        if (!Set.of(250, 475, 860).contains(sampleRate)) {
            throw new IllegalArgumentException("sensor.ads1115.sample-rate must be 250, 475 or 860 (the ADS1115's data "
                    + "rates fast enough for an ECG), was " + sampleRate);
        }
        Checks.between("sensor.ads1115.batch", batch, Duration.ofMillis(100), Duration.ofSeconds(10));
        Checks.between("sensor.ads1115.heart-rate-interval", heartRateInterval, Duration.ofSeconds(1),
                Duration.ofMinutes(1));
    }
}
