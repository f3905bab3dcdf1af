package org.telekiosk.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.telekiosk.agent.outbox.SyncPolicy;
import org.telekiosk.agent.uplink.MqttPassword;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.retry.ReconnectPolicy;

class AgentConfigLoaderTest {
    private static final String REQUIRED = """
            kiosk.id = wmk-lab-03
            mqtt.uri = ssl://broker.example.org:8883
            mqtt.ca-file = pki/ca.pem
            mqtt.password-file = secrets/mqtt-password
            """;

    @TempDir
    Path dir;

    @BeforeEach
    void writeCaAndPassword() throws IOException {
        Files.createDirectories(dir.resolve("pki"));
        Files.writeString(dir.resolve("pki/ca.pem"), "-----BEGIN CERTIFICATE-----\n...\n");
        Files.createDirectories(dir.resolve("secrets"));
        Path password = Files.writeString(dir.resolve("secrets/mqtt-password"), "s3cret-Pw\n");
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
    }

    private AgentConfig load(String properties) throws ConfigException, IOException {
        return AgentConfigLoader.load(Files.writeString(dir.resolve("agent.properties"), properties));
    }

    private String refusal(String properties) throws IOException {
        Path file = Files.writeString(dir.resolve("agent.properties"), properties);
        return assertThrows(ConfigException.class, () -> AgentConfigLoader.load(file)).getMessage();
    }

    @Test
    void theKioskPageCommandIsEmptyByDefaultAndNeedsTheUrlPlaceholderAndARenewalUrl() throws Exception {
        assertEquals(null, load(REQUIRED).kioskPageCommand());
        String renewal = "renewal.url = https://broker.example.org:8443/api/v1/renew\n";
        assertEquals("chromium --kiosk {url}",
                load(REQUIRED + renewal + "kiosk-page.command = chromium --kiosk {url}\n").kioskPageCommand());
        String noPlaceholder = refusal(REQUIRED + renewal + "kiosk-page.command = chromium --kiosk\n");
        assertTrue(noPlaceholder.contains("kiosk-page.command") && noPlaceholder.contains("{url}"), noPlaceholder);
        String noRenewal = refusal(REQUIRED + "kiosk-page.command = chromium --kiosk {url}\n");
        assertTrue(noRenewal.contains("needs renewal.url"), noRenewal);
    }

    @Test
    void aFileWithTheRequiredKeysGetsEveryDefaultAndPathsRelativeToItsDirectory() throws Exception {
        AgentConfig config = load(REQUIRED);

        assertEquals(KioskId.of("wmk-lab-03"), config.kioskId());
        assertEquals(URI.create("ssl://broker.example.org:8883"), config.mqttUri());
        assertEquals(dir.resolve("pki/ca.pem"), config.mqttCaFile());
        assertEquals(MqttPassword.of("s3cret-Pw"), config.mqttPassword(), "one trailing newline is not part of it");
        assertEquals(Duration.ofDays(1), config.mqttSessionExpiry());
        assertEquals(32, config.mqttInflightWindow());
        assertEquals(Duration.ofSeconds(60), config.mqttKeepAlive());
        assertEquals(Duration.ofSeconds(30), config.mqttConnectTimeout());
        assertEquals(Duration.ofSeconds(1), config.mqttReconnectMin());
        assertEquals(Duration.ofMinutes(2), config.mqttReconnectMax());
        assertEquals(Duration.ofSeconds(5), config.samplingInterval());
        assertEquals(dir.resolve("data"), config.dataDir());
        assertEquals(256L << 20, config.outboxMaxBytes());
        assertEquals(SyncPolicy.FULL, config.outboxSync());
        assertEquals(200, config.outboxDrainRate());
        assertEquals(Duration.ofSeconds(5), config.outboxRetryDelay());
    }

    @Test
    void givenValuesOverrideTheDefaultsInShortAndIsoDurationSyntax() throws Exception {
        AgentConfig config = load(REQUIRED + """
                sampling.interval = PT2S
                mqtt.reconnect.min = 500ms
                mqtt.reconnect.max = 5m
                mqtt.session-expiry = P7D
                outbox.max-bytes = 1GiB
                outbox.sync = normal
                data.dir = /var/lib/telekiosk
                """);

        assertEquals(Duration.ofSeconds(2), config.samplingInterval());
        assertEquals(Duration.ofMillis(500), config.mqttReconnectMin());
        assertEquals(Duration.ofMinutes(5), config.mqttReconnectMax());
        assertEquals(Duration.ofDays(7), config.mqttSessionExpiry());
        assertEquals(1L << 30, config.outboxMaxBytes());
        assertEquals(SyncPolicy.NORMAL, config.outboxSync());
        assertEquals(Path.of("/var/lib/telekiosk"), config.dataDir());
    }

    @Test
    void thePasswordFileIsRefusedWhenGroupOrOthersMayReadIt() throws Exception {
        Path password = dir.resolve("secrets/mqtt-password");
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-r--r--"));

        String message = refusal(REQUIRED);

        assertTrue(message.contains("mqtt.password-file"), message);
        assertTrue(message.contains("rw-r--r--"), message);
        assertTrue(message.contains("chmod 600 " + password), message);
    }

    private static final String ENROLLED = """
            kiosk.id = wmk-lab-03
            mqtt.uri = ssl://broker.example.org:8883
            mqtt.ca-file = pki/ca.pem
            mqtt.cert-file = kiosk.crt
            mqtt.key-file = kiosk.key
            renewal.url = https://broker.example.org:8443/api/v1/renew
            """;

    private void writeIdentity(String keyPermissions) throws IOException {
        Files.writeString(dir.resolve("kiosk.crt"), "-----BEGIN CERTIFICATE-----\n...\n");
        Path key = Files.writeString(dir.resolve("kiosk.key"), "-----BEGIN PRIVATE KEY-----\n...\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString(keyPermissions));
    }

    @Test
    void anEnrolledKioskHasACertificateAndKeyInsteadOfAPassword() throws Exception {
        writeIdentity("rw-------");
        AgentConfig config = load(ENROLLED);
        assertEquals(dir.resolve("kiosk.crt"), config.mqttIdentity().certificateFile());
        assertEquals(dir.resolve("kiosk.key"), config.mqttIdentity().keyFile());
        assertEquals(null, config.mqttPassword());
        assertEquals(config.mqttIdentity(), config.uplink().identity());
        assertEquals("/api/v1/renew", config.renewalUrl().getPath());
    }

    @Test
    void aKeyFileThatGroupOrOthersMayReadIsRefused() throws Exception {
        writeIdentity("rw-r-----");
        String message = refusal(ENROLLED);
        assertTrue(message.contains("mqtt.key-file") && message.contains("chmod 600"), message);
    }

    @Test
    void aKioskWithNeitherCertificateNorPasswordIsToldToEnroll() throws Exception {
        String message = refusal(REQUIRED.replace("mqtt.password-file = secrets/mqtt-password", ""));
        assertTrue(message.contains("mqtt.cert-file and mqtt.key-file are required") && message.contains("enroll"),
                message);
    }

    @Test
    void aMissingRequiredKeyIsNamed() throws Exception {
        String message = refusal(REQUIRED.replace("kiosk.id = wmk-lab-03", ""));

        assertTrue(message.contains("kiosk.id is required"), message);
    }

    @Test
    void theDeprecatedForwarderRetryDelayStillSetsTheOutboxRetryDelay() throws Exception {
        assertEquals(Duration.ofSeconds(9), load(REQUIRED + "forwarder.retry-delay = 9s\n").outboxRetryDelay());
        assertEquals(Duration.ofSeconds(7), load(REQUIRED + "outbox.retry-delay = 7s\n").outboxRetryDelay());
    }

    @Test
    void aFileSettingBothTheDeprecatedAndTheNewNameIsRefused() throws Exception {
        String message = refusal(REQUIRED + "forwarder.retry-delay = 9s\noutbox.retry-delay = 7s\n");

        assertTrue(message.contains("both forwarder.retry-delay and outbox.retry-delay are set"), message);
    }

    @Test
    void aMisspeltKeyIsRefusedRatherThanIgnored() throws Exception {
        String message = refusal(REQUIRED + "mqtt.inflight-windw = 5\n");

        assertTrue(message.contains("unknown key(s) [mqtt.inflight-windw]"), message);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "kiosk.id             | WMK_LAB      | kiosk.id: kiosk id 'WMK_LAB' is invalid",
        "mqtt.uri             | tcp://b:1883 | mqtt.uri must be ssl://host:port",
        "mqtt.uri             | ssl://b      | mqtt.uri must be ssl://host:port",
        "mqtt.session-expiry  | 0s           | mqtt.session-expiry must be between 1m and 4294967294s, was 0s",
        "mqtt.inflight-window | 0            | mqtt.inflight-window must be between 1 and 65535, was 0",
        "mqtt.inflight-window | many         | mqtt.inflight-window must be a whole number, was 'many'",
        "mqtt.keep-alive      | 70000s       | mqtt.keep-alive must be between 0s and 65535s, was 70000s",
        "mqtt.reconnect.min   | 10ms         | mqtt.reconnect.min must be between 100ms and 10m, was 10ms",
        "mqtt.reconnect.max   | 500ms        | mqtt.reconnect.max must be between 1s and 1d, was 500ms",
        "sampling.interval    | 5 sec        | sampling.interval must be a duration such as 500ms",
        "outbox.max-bytes     | 1KiB         | outbox.max-bytes must be between 65536 and 68719476736, was 1024",
        "outbox.max-bytes     | lots         | outbox.max-bytes must be a size in bytes such as 268435456 or 256MiB",
        "outbox.sync          | sometimes    | outbox.sync must be full or normal, was 'sometimes'",
        "outbox.drain-rate    | 0            | outbox.drain-rate must be between 1 and 1000000, was 0",
        "sensor.hx711.clock-pin | 40 | sensor.hx711.clock-pin must be a BCM GPIO number 0..27 (the number in \"GPIO 17\"",
        "sensor.max30102.i2c-address | 0x58 | sensor.max30102.i2c-address must be 0x57 (the MAX30102's address is fixed",
        "sensor.ads1115.i2c-address | 0x50 | sensor.ads1115.i2c-address must be 0x48..0x4B (set by the ADS1115's ADDR pin",
        "sensor.mlx90614.i2c-address | 5A | sensor.mlx90614.i2c-address must be an I2C address such as 0x5A, was '5A'",
        "sensor.ads1115.sample-rate | 128 | sensor.ads1115.sample-rate must be 250, 475 or 860",
        "sensor.mlx90614.enabled | yes | sensor.mlx90614.enabled must be true or false, was 'yes'",
        "sensor.bp-monitor.serial-device | COM3 | sensor.bp-monitor.serial-device must be a device path such as /dev/serial0",
        "sensor.max30102.poll-interval | 1s | sensor.max30102.poll-interval must be between 20ms and 250ms, was 1s",
        "status.interval | 5m | status.interval must be between 1s and 1m, was 5m",
    })
    void anInvalidValueIsRefusedWithItsKeyAndTheExpectedRange(String key, String value, String expected)
            throws Exception {
        String message = refusal(REQUIRED + key + " = " + value + "\n");

        assertTrue(message.contains(expected), message);
        assertTrue(message.startsWith(dir.resolve("agent.properties").toString()), message);
    }

    @Test
    void aMissingCaFileIsReportedAtStart() throws Exception {
        Files.delete(dir.resolve("pki/ca.pem"));

        String message = refusal(REQUIRED);

        assertTrue(message.contains("mqtt.ca-file " + dir.resolve("pki/ca.pem") + " does not exist"), message);
    }

    @Test
    void thePasswordNeverShowsInTheConfigurationsText() throws Exception {
        AgentConfig config = load(REQUIRED);

        assertFalse(config.toString().contains("s3cret-Pw"), config.toString());
        assertFalse(config.uplink().toString().contains("s3cret-Pw"), config.uplink().toString());
    }

    @Test
    void theConfigurationMakesTheUplinkSettingsAndTheReconnectPolicy() throws Exception {
        AgentConfig config = load(REQUIRED + "mqtt.inflight-window = 8\n");

        assertEquals(8, config.uplink().inflightWindow());
        assertEquals(config.kioskId(), config.uplink().kiosk());
        assertEquals(config.mqttCaFile(), config.uplink().caFile());
        assertEquals("ReconnectPolicy[min=1000 ms, max=120000 ms, full jitter]",
                config.reconnectPolicy(new SplittableRandom(1)).toString());
    }

    @Test
    void everyKeyInTheDefaultsFileIsExplainedByACommentRightAboveIt() throws IOException {
        List<String> lines;
        try (InputStream in = AgentConfigLoader.class.getResourceAsStream(AgentConfigLoader.DEFAULTS)) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        Properties defaults = new Properties();
        defaults.load(new StringReader(String.join("\n", lines)));
        List<String> undocumented = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int above = i - 1;
            while (above >= 0 && !lines.get(above).isBlank() && !lines.get(above).startsWith("#")) {
                above--;
            }
            if (above < 0 || !lines.get(above).startsWith("#")) {
                undocumented.add(line);
            }
        }
        assertEquals(List.of(), undocumented);
        // sensors: their keys and status.interval; mqttIdentity: mqtt.cert-file and mqtt.key-file
        int components = AgentConfig.class.getRecordComponents().length - 1 + 1 + 1;
        for (Class<?> settings : List.of(ThermometerSettings.class, ScaleSettings.class, OximeterSettings.class,
                EcgSettings.class, BloodPressureSettings.class)) {
            components += settings.getRecordComponents().length;
        }
        assertEquals(components, defaults.size(), "one key per configuration component");
    }

    @Test
    void theSensorDefaultsAreTheStandardWiringOfAPi5() throws Exception {
        SensorsConfig sensors = load(REQUIRED).sensors();

        assertEquals(new ThermometerSettings(true, 1, 0x5A, Duration.ofSeconds(5)), sensors.thermometer());
        assertEquals(new ScaleSettings(true, 6, 5, dir.resolve("hx711-calibration.properties"), Duration.ofSeconds(5)),
                sensors.scale());
        assertEquals(new OximeterSettings(true, 1, 0x57, Duration.ofMillis(100), Duration.ofSeconds(1),
                Duration.ofSeconds(5)), sensors.oximeter());
        assertEquals(new EcgSettings(true, 1, 0x48, 23, 24, 250, Duration.ofSeconds(1), Duration.ofSeconds(5)),
                sensors.ecg());
        assertEquals(new BloodPressureSettings(true, "/dev/serial0", Duration.ofSeconds(30)), sensors.bloodPressure());
        assertEquals(Duration.ofSeconds(60), sensors.statusInterval());
        assertEquals(5, sensors.enabledCount());
    }

    @Test
    void aSpotSensorsOwnIntervalOverridesTheSamplingInterval() throws Exception {
        SensorsConfig sensors = load(REQUIRED + "sampling.interval = 2s\nsensor.hx711.interval = 30s\n").sensors();

        assertEquals(Duration.ofSeconds(2), sensors.thermometer().interval());
        assertEquals(Duration.ofSeconds(30), sensors.scale().interval());
    }

    @Test
    void twoSensorsOnOneGpioLineAreRefusedNamingBothKeys() throws Exception {
        String message = refusal(REQUIRED + "sensor.ads1115.lead-off-plus-pin = 5\n");

        assertTrue(message.contains("sensor.ads1115.lead-off-plus-pin is GPIO 5, which is taken by "
                + "sensor.hx711.data-pin; each GPIO line can serve one purpose only"), message);
    }

    @Test
    void aSensorPinOnTheI2cOrUartLinesIsRefused() throws Exception {
        assertTrue(refusal(REQUIRED + "sensor.hx711.clock-pin = 3\n")
                .contains("sensor.hx711.clock-pin is GPIO 3, which is taken by I2C bus 1 SCL"));
        assertTrue(refusal(REQUIRED + "sensor.ads1115.lead-off-minus-pin = 14\n")
                .contains("sensor.ads1115.lead-off-minus-pin is GPIO 14, which is taken by the UART's TXD (/dev/serial0)"));
    }

    @Test
    void aDisabledSensorFreesItsPinsAndMayBeLeftWithItsDefaults() throws Exception {
        SensorsConfig sensors = load(REQUIRED + """
                sensor.hx711.enabled = false
                sensor.ads1115.lead-off-plus-pin = 5
                sensor.bp-monitor.serial-device = /dev/ttyUSB0
                sensor.ads1115.lead-off-minus-pin = 14
                """).sensors();

        assertFalse(sensors.scale().enabled());
        assertEquals(5, sensors.ecg().leadOffPlusPin());
        assertEquals(4, sensors.enabledCount());
    }
}
