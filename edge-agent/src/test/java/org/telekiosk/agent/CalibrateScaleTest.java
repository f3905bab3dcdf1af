package org.telekiosk.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.agent.sensor.hx711.CalibrationFile;
import org.telekiosk.agent.sensor.hx711.Hx711Calibration;
import picocli.CommandLine;

class CalibrateScaleTest {

    @TempDir
    Path dir;

    private Path config;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @BeforeEach
    void writeConfiguration() throws IOException {
        Files.createDirectories(dir.resolve("pki"));
        Files.writeString(dir.resolve("pki/ca.pem"), "-----BEGIN CERTIFICATE-----\n...\n");
        Path password = Files.writeString(dir.resolve("mqtt-password"), "s3cret-Pw\n");
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
        config = Files.writeString(dir.resolve("agent.properties"), """
                kiosk.id = wmk-lab-03
                mqtt.uri = ssl://broker.example.org:8883
                mqtt.ca-file = pki/ca.pem
                mqtt.password-file = mqtt-password
                """);
    }

    private int calibrate(String typed, String... options) throws IOException {
        CalibrateScale command = new CalibrateScale();
        new CommandLine(command).parseArgs(options);
        return command.calibrate(new BufferedReader(new StringReader(typed)),
                new PrintStream(output, true, StandardCharsets.UTF_8));
    }

    private String printed() {
        return output.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theSimulatedProcedureWritesTheCalibrationFileNamedInTheConfiguration() throws Exception {
        int exit = calibrate("\n75\n\ny\n", "--config", config.toString(), "--simulate");

        assertEquals(0, exit, printed());
        Hx711Calibration saved = CalibrationFile.read(dir.resolve("hx711-calibration.properties"));
        // The simulated 200 kg platform gives about 10,737 counts per kg (its cells are mounted so that load lowers it).
        assertEquals(10737, Math.abs(saved.countsPerKg()), 100, saved.toString());
        assertTrue(printed().contains("Saved. Restart the agent"), printed());
    }

    @Test
    void endingTheInputEarlyExitsWithOneAndWritesNothing() throws Exception {
        int exit = calibrate("\n", "--config", config.toString(), "--simulate");

        assertEquals(1, exit);
        assertFalse(Files.exists(dir.resolve("hx711-calibration.properties")));
        assertTrue(printed().contains("Nothing was saved"), printed());
    }

    @Test
    void aScaleSwitchedOffInTheConfigurationIsNamedAndNothingIsTouched() throws Exception {
        Files.writeString(config, "sensor.hx711.enabled = false\n", java.nio.file.StandardOpenOption.APPEND);

        int exit = calibrate("", "--config", config.toString(), "--simulate");

        assertEquals(64, exit);
        assertTrue(printed().contains("sensor.hx711.enabled=false"), printed());
    }

    @Test
    void aBrokenConfigurationIsReportedAsAConfigurationError() throws Exception {
        Files.writeString(config, "sensor.hx711.clock-pin = 99\n", java.nio.file.StandardOpenOption.APPEND);

        int exit = calibrate("", "--config", config.toString(), "--simulate");

        assertEquals(78, exit);
        assertTrue(printed().startsWith("Configuration error: "), printed());
    }
}
