package org.telekiosk.agent.config;

import java.time.Duration;

/**
 * The MAX30102 / MAX30101 pulse oximeter: keys {@code sensor.max30102.*}.
 *
 * @param enabled        {@code sensor.max30102.enabled}
 * @param bus            {@code sensor.max30102.i2c-bus}
 * @param address        {@code sensor.max30102.i2c-address}, fixed at 0x57 by the part
 * @param pollInterval   {@code sensor.max30102.poll-interval}, how often the FIFO is emptied
 * @param batch          {@code sensor.max30102.batch}, how much pleth waveform one batch carries
 * @param resultInterval {@code sensor.max30102.result-interval}, how often SpO2 and pulse are sent
 */
public record OximeterSettings(boolean enabled, int bus, int address, Duration pollInterval, Duration batch,
        Duration resultInterval) {
    public OximeterSettings {
        Checks.i2cBus("sensor.max30102.i2c-bus", bus);
        Checks.i2cAddress("sensor.max30102.i2c-address", address, 0x57, 0x57,
                "the MAX30102's address is fixed, datasheet \"I2C Slave Address\"");
        // The FIFO holds 32 samples, 320 ms at 100 samples/s: read well before it overflows.
        Checks.between("sensor.max30102.poll-interval", pollInterval, Duration.ofMillis(20), Duration.ofMillis(250));
        Checks.between("sensor.max30102.batch", batch, pollInterval, Duration.ofSeconds(10));
        Checks.between("sensor.max30102.result-interval", resultInterval, Duration.ofSeconds(1), Duration.ofMinutes(1));
    }
}
