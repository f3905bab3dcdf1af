package org.telekiosk.agent.config;

import java.time.Duration;

/**
 * The MLX90614 infrared thermometer: keys {@code sensor.mlx90614.*}.
 *
 * @param enabled  {@code sensor.mlx90614.enabled}
 * @param bus      {@code sensor.mlx90614.i2c-bus}
 * @param address  {@code sensor.mlx90614.i2c-address}; the chip's SMBus address is programmable (EEPROM 0x0E)
 * @param interval {@code sensor.mlx90614.interval}, how often body temperature is read
 */
public record ThermometerSettings(boolean enabled, int bus, int address, Duration interval) {
    public ThermometerSettings {
        Checks.i2cBus("sensor.mlx90614.i2c-bus", bus);
        Checks.i2cAddress("sensor.mlx90614.i2c-address", address, 0x01, 0x7F,
                "an SMBus address programmed into the MLX90614, factory 0x5A");
        Checks.between("sensor.mlx90614.interval", interval, Duration.ofMillis(100), Duration.ofHours(1));
    }
}
