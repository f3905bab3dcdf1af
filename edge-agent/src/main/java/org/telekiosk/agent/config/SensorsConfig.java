package org.telekiosk.agent.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which sensors the kiosk has and how they are wired, validated as a whole: every GPIO line serves one purpose, and
 * no sensor pin sits on the lines of the I2C bus 1 (GPIO 2/3) or, with {@code /dev/serial0}, of the UART
 * (GPIO 14/15).
 *
 * @param thermometer    the MLX90614
 * @param scale          the HX711
 * @param oximeter       the MAX30102
 * @param ecg            the ADS1115 and AD8232
 * @param bloodPressure  the serial blood-pressure monitor
 * @param statusInterval {@code status.interval}, the longest time between two status messages
 */
public record SensorsConfig(ThermometerSettings thermometer, ScaleSettings scale, OximeterSettings oximeter,
        EcgSettings ecg, BloodPressureSettings bloodPressure, Duration statusInterval) {

    public SensorsConfig {
        Objects.requireNonNull(thermometer, "thermometer");
        Objects.requireNonNull(scale, "scale");
        Objects.requireNonNull(oximeter, "oximeter");
        Objects.requireNonNull(ecg, "ecg");
        Objects.requireNonNull(bloodPressure, "bloodPressure");
        // The protocol promises a status at least once a minute.
        Checks.between("status.interval", statusInterval, Duration.ofSeconds(1), Duration.ofMinutes(1));
        checkPins(thermometer, scale, oximeter, ecg, bloodPressure);
    }

    private static void checkPins(ThermometerSettings thermometer, ScaleSettings scale, OximeterSettings oximeter,
            EcgSettings ecg, BloodPressureSettings bloodPressure) {
        Map<Integer, String> taken = new LinkedHashMap<>();
        boolean i2cBus1 = thermometer.enabled() && thermometer.bus() == 1 || oximeter.enabled() && oximeter.bus() == 1
                || ecg.enabled() && ecg.bus() == 1;
        if (i2cBus1) {
            taken.put(2, "I2C bus 1 SDA");
            taken.put(3, "I2C bus 1 SCL");
        }
        if (bloodPressure.enabled() && bloodPressure.usesHeaderUart()) {
            taken.put(14, "the UART's TXD (" + bloodPressure.serialDevice() + ")");
            taken.put(15, "the UART's RXD (" + bloodPressure.serialDevice() + ")");
        }
        if (scale.enabled()) {
            claim(taken, scale.clockPin(), "sensor.hx711.clock-pin");
            claim(taken, scale.dataPin(), "sensor.hx711.data-pin");
        }
        if (ecg.enabled()) {
            claim(taken, ecg.leadOffPlusPin(), "sensor.ads1115.lead-off-plus-pin");
            claim(taken, ecg.leadOffMinusPin(), "sensor.ads1115.lead-off-minus-pin");
        }
    }

    private static void claim(Map<Integer, String> taken, int bcm, String key) {
        String other = taken.putIfAbsent(bcm, key);
        if (other != null) {
            throw new IllegalArgumentException(key + " is GPIO " + bcm + ", which is taken by " + other
                    + "; each GPIO line can serve one purpose only");
        }
    }

    /** How many sensors are enabled. */
    public int enabledCount() {
        int count = 0;
        for (boolean enabled : new boolean[] {thermometer.enabled(), scale.enabled(), oximeter.enabled(), ecg.enabled(),
                bloodPressure.enabled()}) {
            count += enabled ? 1 : 0;
        }
        return count;
    }
}
