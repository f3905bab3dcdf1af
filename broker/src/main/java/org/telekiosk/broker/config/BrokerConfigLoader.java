package org.telekiosk.broker.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.telekiosk.broker.signaling.SignalingConfig;
import org.telekiosk.broker.turn.IceConfig;

/**
 * Loads {@link BrokerConfig}: the commented defaults in {@code broker-defaults.properties}, then an optional file,
 * then explicit overrides (command-line options), each later one winning. Unknown keys are refused, so a typo in a
 * key never silently leaves a default in place.
 */
public final class BrokerConfigLoader {
    private BrokerConfigLoader() {}

    /**
     * The defaults, then {@code file}, then {@code overrides}, validated.
     *
     * @throws ConfigException for an unreadable file, an unknown key or a value the configuration does not accept
     */
    public static BrokerConfig load(Optional<Path> file, Map<String, String> overrides) throws IOException {
        try {
            return loadChecked(file, overrides);
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage(), e);
        }
    }

    private static BrokerConfig loadChecked(Optional<Path> file, Map<String, String> overrides) throws IOException {
        Properties defaults = new Properties();
        try (InputStream in = BrokerConfigLoader.class.getResourceAsStream("/broker-defaults.properties")) {
            if (in == null) {
                throw new IOException("broker-defaults.properties is missing from the classpath");
            }
            defaults.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        }
        Properties merged = new Properties();
        merged.putAll(defaults);
        if (file.isPresent()) {
            Properties fromFile = new Properties();
            try (Reader reader = Files.newBufferedReader(file.get(), StandardCharsets.UTF_8)) {
                fromFile.load(reader);
            } catch (IOException e) {
                throw new ConfigException("cannot read the configuration file " + file.get() + ": " + e, e);
            }
            putKnown(defaults, merged, fromFile, "in " + file.get());
        }
        Properties fromArgs = new Properties();
        fromArgs.putAll(overrides);
        putKnown(defaults, merged, fromArgs, "on the command line");

        try {
            BrokerConfig.ExternalMqtt externalMqtt = new BrokerConfig.ExternalMqtt(
                    merged.getProperty("mqtt.external-host", ""), integer(merged, "mqtt.external-port"));
            return new BrokerConfig(
                    Path.of(merged.getProperty("data.dir")),
                    merged.getProperty("https.bind"),
                    integer(merged, "https.port"),
                    list(merged, "https.host-names"),
                    list(merged, "https.allowed-origins"),
                    integer(merged, "viewer.max-frame-bytes"),
                    integer(merged, "viewer.max-pending-bytes"),
                    new org.telekiosk.broker.viewer.ViewerLimits(integer(merged, "viewer.max-sockets-per-account"),
                            integer(merged, "viewer.rate-per-second"), integer(merged, "viewer.burst")),
                    merged.getProperty("mqtt.bind"),
                    integer(merged, "mqtt.port"),
                    Long.parseLong(merged.getProperty("mqtt.max-queued-messages").strip()),
                    integer(merged, "mqtt.receive-maximum"),
                    integer(merged, "mqtt.intake-connections"),
                    integer(merged, "mqtt.max-payload-bytes"),
                    new BrokerConfig.KioskQuota(integer(merged, "mqtt.kiosk-rate-per-second"),
                            integer(merged, "mqtt.kiosk-burst")),
                    merged.getProperty("store.url", ""),
                    merged.getProperty("store.user", ""),
                    duration(merged, "store.gap-timeout"),
                    duration(merged, "store.ack-interval"),
                    duration(merged, "store.commit-delay"),
                    new AccessConfig(
                            duration(merged, "session.absolute-lifetime"),
                            duration(merged, "session.idle-timeout"),
                            duration(merged, "consultation.access-window"),
                            duration(merged, "consultation.code-lifetime"),
                            duration(merged, "consultation.seat-grace-period"),
                            duration(merged, "consultation.retention"),
                            duration(merged, "audit.retention"),
                            duration(merged, "purge.interval"),
                            integer(merged, "api.max-concurrent-requests"),
                            integer(merged, "api.max-concurrent-hashes")),
                    new SignalingConfig(integer(merged, "signal.max-frame-bytes"),
                            integer(merged, "signal.rate-per-second"), integer(merged, "signal.burst"),
                            integer(merged, "signal.replay-events"),
                            integer(merged, "signal.max-sockets-per-account")),
                    new IceConfig(list(merged, "ice.stun-urls"),
                            turnUrls(merged), merged.getProperty("ice.transport-policy").strip(),
                            duration(merged, "turn.credential-ttl"),
                            Optional.of(merged.getProperty("turn.secret-file", "").strip())
                                    .filter(f -> !f.isEmpty()).map(Path::of)),
                    new KioskPkiConfig(duration(merged, "enrollment.token-lifetime"),
                            duration(merged, "enrollment.certificate-lifetime"),
                            optionalPath(merged, "https.certificate-file"), optionalPath(merged, "https.key-file"),
                            Optional.of(merged.getProperty("https.public-url", "")),
                            optionalPath(merged, "agent-update.public-key-file"),
                            optionalPath(merged, "agent-update.dir")),
                    vitalRanges(merged),
                    new MetricsConfig(Optional.of(merged.getProperty("metrics.bind", "")),
                            integer(merged, "metrics.port")),
                    new HttpLimits(integer(merged, "https.max-connections-per-address"),
                            duration(merged, "https.request-deadline"), integer(merged, "https.max-pipelined-requests"),
                            integer(merged, "api.max-logins-in-progress"), duration(merged, "https.refusal-pause")),
                    new Lockouts(
                            Lockouts.policy("login.lockout", integer(merged, "login.lockout.free-failures"),
                                    duration(merged, "login.lockout.first"), duration(merged, "login.lockout.max")),
                            Lockouts.policy("join-code.lockout", integer(merged, "join-code.lockout.free-failures"),
                                    duration(merged, "join-code.lockout.first"),
                                    duration(merged, "join-code.lockout.max")),
                            integer(merged, "join-code.guard.wrong-codes"), duration(merged, "join-code.guard.window"),
                            duration(merged, "join-code.guard.delay")),
                    externalMqtt,
                    TlsProvider.parse("https.tls-provider", merged.getProperty("https.tls-provider")),
                    BrokerConfig.MqttIntake.parse(merged.getProperty("mqtt.intake"), externalMqtt.enabled()),
                    duration(merged, "mqtt.tls-handshake-timeout"),
                    bool(merged, "mqtt.puback-store-ack"),
                    duration(merged, "mqtt.stall-check-interval"),
                    NettyTransport.parse("https.transport", merged.getProperty("https.transport")),
                    TlsProvider.parse("mqtt.tls-provider", merged.getProperty("mqtt.tls-provider")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a numeric configuration key has no number: " + e.getMessage(), e);
        }
    }

    private static VitalRanges vitalRanges(Properties p) {
        Map<String, VitalRanges.Range> ranges = new java.util.HashMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(VitalRanges.RANGE_PREFIX)) {
                VitalRanges.Range range = VitalRanges.Range.parse(key, p.getProperty(key));
                if (range != null) {
                    ranges.put(key.substring(VitalRanges.RANGE_PREFIX.length()), range);
                }
            }
        }
        return new VitalRanges(duration(p, "vitals.stale-after"), ranges);
    }

    private static void putKnown(Properties defaults, Properties merged, Properties source, String where) {
        for (String key : source.stringPropertyNames()) {
            if (!defaults.containsKey(key)) {
                throw new IllegalArgumentException("unknown configuration key '" + key + "' " + where
                        + "; the keys are listed in broker-defaults.properties");
            }
            merged.setProperty(key, source.getProperty(key));
        }
    }

    /** {@code ice.turn-urls} as given, or derived from {@code ice.turn-host}; both set is a mistake. */
    private static List<String> turnUrls(Properties p) {
        String host = p.getProperty("ice.turn-host", "").strip();
        if (host.isEmpty()) {
            return list(p, "ice.turn-urls");
        }
        if (!list(p, "ice.turn-urls").isEmpty()) {
            throw new IllegalArgumentException("set either ice.turn-host or ice.turn-urls, not both");
        }
        return org.telekiosk.broker.turn.IceConfig.turnUrls(host, integer(p, "ice.turn-port"),
                integer(p, "ice.turns-port"));
    }

    private static int integer(Properties p, String key) {
        String value = p.getProperty(key).strip();
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, was '" + value + "'", e);
        }
    }

    private static boolean bool(Properties p, String key) {
        String value = p.getProperty(key).strip();
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, was '" + value + "'");
        };
    }

    private static Duration duration(Properties p, String key) {
        String value = p.getProperty(key).strip();
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + " must be an ISO-8601 duration like PT6H, was '" + value + "'", e);
        }
    }

    private static Optional<Path> optionalPath(Properties p, String key) {
        String value = p.getProperty(key, "").strip();
        return value.isEmpty() ? Optional.empty() : Optional.of(Path.of(value));
    }

    private static List<String> list(Properties p, String key) {
        List<String> values = new ArrayList<>();
        Arrays.stream(p.getProperty(key, "").split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .forEach(values::add);
        return values;
    }
}
