package org.telekiosk.agent.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.agent.outbox.SyncPolicy;
import org.telekiosk.agent.uplink.ClientIdentity;
import org.telekiosk.agent.uplink.MqttPassword;
import org.telekiosk.protocol.KioskId;

/**
 * Loads {@link AgentConfig}: the defaults of {@value #DEFAULTS} (where every key is documented), then the given
 * properties file over them. Unknown keys are refused, relative paths are resolved against the file's directory,
 * the CA file must be readable, and the password file must be readable by its owner only. Every problem becomes a
 * {@link ConfigException} naming the file and the key.
 */
public final class AgentConfigLoader {
    private static final Logger log = LoggerFactory.getLogger(AgentConfigLoader.class);

    /**
     * Deprecated keys, still read, and the keys that replaced them (listed in the defaults file's comments). A file
     * that sets both a deprecated key and its replacement is refused: which one holds would be a guess.
     */
    static final Map<String, String> DEPRECATED = Map.of("forwarder.retry-delay", "outbox.retry-delay");

    /** The class-path resource with every key and its default. */
    public static final String DEFAULTS = "/agent-defaults.properties";

    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private AgentConfigLoader() {}

    /** Loads the configuration in {@code file} over the defaults. */
    public static AgentConfig load(Path file) throws ConfigException {
        Path absolute = file.toAbsolutePath().normalize();
        Properties defaults = defaults();
        Properties given = read(absolute);
        for (Map.Entry<String, String> renamed : DEPRECATED.entrySet()) {
            String old = renamed.getKey();
            String current = renamed.getValue();
            if (given.containsKey(old)) {
                if (given.containsKey(current)) {
                    throw new ConfigException(absolute + ": both " + old + " and " + current + " are set; "
                            + old + " is the deprecated name of " + current + ": keep only " + current);
                }
                log.warn("{}: {} is deprecated; it still works, but rename it to {}", absolute, old, current);
                given.setProperty(current, given.getProperty(old));
                given.remove(old);
            }
        }
        Set<String> unknown = new TreeSet<>(given.stringPropertyNames());
        unknown.removeAll(defaults.stringPropertyNames());
        if (!unknown.isEmpty()) {
            throw new ConfigException(absolute + ": unknown key(s) " + unknown + "; the known keys are "
                    + new TreeSet<>(defaults.stringPropertyNames()));
        }
        Properties merged = new Properties();
        merged.putAll(defaults);
        merged.putAll(given);
        try {
            return build(new Values(merged, absolute.getParent()));
        } catch (IllegalArgumentException | ConfigException e) {
            throw new ConfigException(absolute + ": " + e.getMessage(), e);
        }
    }

    private static AgentConfig build(Values values) throws ConfigException {
        Path caFile = values.path("mqtt.ca-file");
        if (caFile != null && !Files.isReadable(caFile)) {
            throw new ConfigException("mqtt.ca-file " + caFile + " does not exist or is not readable");
        }
        Path passwordFile = values.path("mqtt.password-file");
        Path certFile = values.path("mqtt.cert-file");
        Path keyFile = values.path("mqtt.key-file");
        if ((certFile == null) != (keyFile == null)) {
            throw new ConfigException("mqtt.cert-file and mqtt.key-file go together: set both or neither");
        }
        if (certFile != null && (!Files.isReadable(certFile) || !Files.isReadable(keyFile))) {
            throw new ConfigException("mqtt.cert-file " + certFile + " or mqtt.key-file " + keyFile
                    + " does not exist or is not readable; enroll the kiosk with 'edge-agent enroll'");
        }
        if (keyFile != null && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            try {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(keyFile);
                if (permissions.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
                    throw new ConfigException("mqtt.key-file " + keyFile + " may be read or written by group or "
                            + "others (" + PosixFilePermissions.toString(permissions) + "); refusing to start. It "
                            + "holds the kiosk's private key: check who may have read it, then chmod 600 " + keyFile);
                }
            } catch (IOException e) {
                throw new ConfigException("mqtt.key-file " + keyFile + " cannot be read: " + e, e);
            }
        }
        return new AgentConfig(
                values.kioskId("kiosk.id"),
                values.uri("mqtt.uri"),
                caFile,
                passwordFile == null ? null : password(passwordFile),
                certFile == null ? null : new ClientIdentity(certFile, keyFile),
                values.duration("mqtt.session-expiry"),
                values.integer("mqtt.inflight-window"),
                values.duration("mqtt.keep-alive"),
                values.duration("mqtt.connect-timeout"),
                values.duration("mqtt.reconnect.min"),
                values.duration("mqtt.reconnect.max"),
                values.duration("sampling.interval"),
                values.path("data.dir"),
                values.bytes("outbox.max-bytes"),
                values.syncPolicy("outbox.sync"),
                values.integer("outbox.drain-rate"),
                values.duration("outbox.retry-delay"),
                values.duration("outbox.store-ack-timeout"),
                sensors(values),
                values.uri("renewal.url"),
                values.text("kiosk-page.command"),
                values.longValue("sequence.next"));
    }

    private static SensorsConfig sensors(Values values) {
        Duration spotDefault = values.duration("sampling.interval");
        return new SensorsConfig(
                new ThermometerSettings(values.bool("sensor.mlx90614.enabled"),
                        values.integer("sensor.mlx90614.i2c-bus"), values.address("sensor.mlx90614.i2c-address"),
                        values.durationOr("sensor.mlx90614.interval", spotDefault)),
                new ScaleSettings(values.bool("sensor.hx711.enabled"), values.integer("sensor.hx711.clock-pin"),
                        values.integer("sensor.hx711.data-pin"), values.path("sensor.hx711.calibration-file"),
                        values.durationOr("sensor.hx711.interval", spotDefault)),
                new OximeterSettings(values.bool("sensor.max30102.enabled"),
                        values.integer("sensor.max30102.i2c-bus"), values.address("sensor.max30102.i2c-address"),
                        values.duration("sensor.max30102.poll-interval"), values.duration("sensor.max30102.batch"),
                        values.duration("sensor.max30102.result-interval")),
                new EcgSettings(values.bool("sensor.ads1115.enabled"), values.integer("sensor.ads1115.i2c-bus"),
                        values.address("sensor.ads1115.i2c-address"),
                        values.integer("sensor.ads1115.lead-off-plus-pin"),
                        values.integer("sensor.ads1115.lead-off-minus-pin"),
                        values.integer("sensor.ads1115.sample-rate"), values.duration("sensor.ads1115.batch"),
                        values.duration("sensor.ads1115.heart-rate-interval")),
                new BloodPressureSettings(values.bool("sensor.bp-monitor.enabled"),
                        values.text("sensor.bp-monitor.serial-device"),
                        values.duration("sensor.bp-monitor.check-interval")),
                values.duration("status.interval"));
    }

    /** Reads the password, refusing a file that others than its owner may read or write. */
    private static MqttPassword password(Path file) throws ConfigException {
        try {
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
                if (permissions.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
                    throw new ConfigException("mqtt.password-file " + file + " may be read or written by group or "
                            + "others (" + PosixFilePermissions.toString(permissions) + "); refusing to start. "
                            + "Restrict it to its owner: chmod 600 " + file);
                }
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String password = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                    : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
            if (password.isEmpty()) {
                throw new ConfigException("mqtt.password-file " + file + " is empty");
            }
            return MqttPassword.of(password);
        } catch (IOException e) {
            throw new ConfigException("mqtt.password-file " + file + " cannot be read: " + e, e);
        }
    }

    private static Properties defaults() {
        Properties defaults = new Properties();
        try (InputStream in = AgentConfigLoader.class.getResourceAsStream(DEFAULTS)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS + " is missing from the class path");
            }
            defaults.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULTS, e);
        }
        return defaults;
    }

    private static Properties read(Path file) throws ConfigException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(file + ": cannot be read: " + e.getMessage(), e);
        }
        return properties;
    }

    /** Typed access to the merged properties; an empty value is a missing one. */
    private record Values(Properties properties, Path base) {
        String text(String key) {
            String value = properties.getProperty(key, "").strip();
            return value.isEmpty() ? null : value;
        }

        KioskId kioskId(String key) {
            String value = text(key);
            if (value == null) {
                return null;
            }
            try {
                return KioskId.of(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
            }
        }

        URI uri(String key) {
            String value = text(key);
            if (value == null) {
                return null;
            }
            try {
                return new URI(value);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(key + " must be ssl://host:port, was '" + value + "'", e);
            }
        }

        Path path(String key) {
            String value = text(key);
            return value == null ? null : base.resolve(value).normalize();
        }

        Duration duration(String key) {
            String value = text(key);
            return value == null ? null : Durations.parse(key, value);
        }

        /** The duration at {@code key}, or {@code fallback} when the key is empty. */
        Duration durationOr(String key, Duration fallback) {
            Duration value = duration(key);
            return value == null ? fallback : value;
        }

        boolean bool(String key) {
            String value = text(key);
            if ("true".equals(value)) {
                return true;
            }
            if ("false".equals(value)) {
                return false;
            }
            throw new IllegalArgumentException(key + " must be true or false, was '" + (value == null ? "" : value)
                    + "'");
        }

        /** A 7-bit I2C address, written in hex as on the chip's datasheet ({@code 0x5A}) or in decimal. */
        int address(String key) {
            String value = text(key);
            if (value == null) {
                throw new IllegalArgumentException(key + " is required");
            }
            try {
                return value.startsWith("0x") || value.startsWith("0X") ? Integer.parseInt(value.substring(2), 16)
                        : Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be an I2C address such as 0x5A, was '" + value + "'",
                        e);
            }
        }

        int integer(String key) {
            String value = text(key);
            if (value == null) {
                throw new IllegalArgumentException(key + " is required");
            }
            try {
                return Integer.parseInt(value.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a whole number, was '" + value + "'", e);
            }
        }

        /** A size in bytes: a whole number with an optional binary suffix, {@code 256MiB}, {@code 1GiB}, {@code 64KiB}. */
        long longValue(String key) {
            String value = text(key);
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException | NullPointerException e) {
                throw new IllegalArgumentException(key + " must be a whole number, was '" + value + "'");
            }
        }

        long bytes(String key) {
            String value = text(key);
            if (value == null) {
                throw new IllegalArgumentException(key + " is required");
            }
            var matcher = java.util.regex.Pattern.compile("([0-9_]{1,20})\\s*(KiB|MiB|GiB)?").matcher(value);
            if (!matcher.matches()) {
                throw new IllegalArgumentException(key + " must be a size in bytes such as 268435456 or 256MiB, was '"
                        + value + "'");
            }
            int shift = matcher.group(2) == null ? 0 : switch (matcher.group(2)) {
                case "KiB" -> 10;
                case "MiB" -> 20;
                default -> 30;
            };
            try {
                return Math.multiplyExact(Long.parseLong(matcher.group(1).replace("_", "")), 1L << shift);
            } catch (ArithmeticException | NumberFormatException e) {
                throw new IllegalArgumentException(key + " is too large, was '" + value + "'", e);
            }
        }

        /** {@code full} or {@code normal}. */
        SyncPolicy syncPolicy(String key) {
            String value = text(key);
            if ("full".equals(value)) {
                return SyncPolicy.FULL;
            }
            if ("normal".equals(value)) {
                return SyncPolicy.NORMAL;
            }
            throw new IllegalArgumentException(key + " must be full or normal, was '" + (value == null ? "" : value)
                    + "'");
        }
    }
}
