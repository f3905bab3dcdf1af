package org.telekiosk.agent.sampling;

import java.nio.file.Path;
import java.time.Duration;
import org.telekiosk.agent.config.BloodPressureSettings;
import org.telekiosk.agent.config.EcgSettings;
import org.telekiosk.agent.config.OximeterSettings;
import org.telekiosk.agent.config.ScaleSettings;
import org.telekiosk.agent.config.SensorsConfig;
import org.telekiosk.agent.config.ThermometerSettings;

/** The sensor configuration of the tests: the default wiring, every sensor enabled, spot sensors every second. */
public final class SimulatedSensors {
    public static final SensorsConfig ALL = new SensorsConfig(
            new ThermometerSettings(true, 1, 0x5A, Duration.ofSeconds(1)),
            new ScaleSettings(true, 6, 5, Path.of("hx711-calibration.properties"), Duration.ofSeconds(1)),
            new OximeterSettings(true, 1, 0x57, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5)),
            new EcgSettings(true, 1, 0x48, 23, 24, 250, Duration.ofSeconds(1), Duration.ofSeconds(5)),
            new BloodPressureSettings(true, "/dev/serial0", Duration.ofSeconds(1)),
            Duration.ofSeconds(60));

    private SimulatedSensors() {}
}
