package org.telekiosk.broker.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.telekiosk.broker.signaling.SignalingConfig;
import org.telekiosk.broker.turn.IceConfig;
import org.telekiosk.broker.viewer.ViewerLimits;

/**
 * The broker's configuration, immutable and validated; each key is described in {@code broker-defaults.properties}.
 *
 * @param dataDir               {@code data.dir}
 * @param httpsBindAddress      {@code https.bind}
 * @param httpsPort             {@code https.port}, 0 for any free port
 * @param hostNames             {@code https.host-names}
 * @param allowedOrigins        {@code https.allowed-origins}; empty means derived from host names and port
 * @param viewerMaxFrameBytes   {@code viewer.max-frame-bytes}
 * @param viewerMaxPendingBytes {@code viewer.max-pending-bytes}
 * @param viewerLimits          {@code viewer.max-sockets-per-account}, {@code viewer.rate-per-second},
 *                              {@code viewer.burst}
 * @param mqttBindAddress       {@code mqtt.bind}
 * @param mqttPort              {@code mqtt.port}, 0 for any free port
 * @param mqttMaxQueuedMessages {@code mqtt.max-queued-messages}
 * @param mqttReceiveMaximum    {@code mqtt.receive-maximum}
 * @param mqttIntakeConnections {@code mqtt.intake-connections}
 * @param mqttMaxPayloadBytes   {@code mqtt.max-payload-bytes}
 * @param mqttKioskQuota        {@code mqtt.kiosk-rate-per-second}, {@code mqtt.kiosk-burst}
 * @param storeUrl              {@code store.url}; empty means the SQLite file in the data directory
 * @param storeUser             {@code store.user}; may be empty
 * @param storeGapTimeout       {@code store.gap-timeout}
 * @param storeAckInterval      {@code store.ack-interval}: how often each kiosk is told how far the store holds its
 *                              readings, at most
 * @param storeCommitDelay      {@code store.commit-delay}: how long the store's writer waits at most, while readings
 *                              keep coming, to commit more of them in one transaction
 * @param access                {@code session.*}, {@code consultation.*}, {@code audit.*}, {@code purge.*},
 *                              {@code api.*}
 * @param signaling             {@code signal.*}
 * @param ice                   {@code ice.*} and {@code turn.*} (not the TURN secret)
 * @param kioskPki              {@code enrollment.*}, {@code https.certificate-file}, {@code https.key-file}
 * @param vitals                {@code vitals.*}: ranges and staleness of the doctor's vitals tiles
 * @param metrics               {@code metrics.*}: the Prometheus listener
 * @param httpLimits            {@code https.max-connections-per-address}, {@code https.request-deadline},
 *                              {@code https.max-pipelined-requests}, {@code api.max-logins-in-progress}
 * @param lockouts              {@code login.lockout.*}, {@code join-code.*}: the guessing limits
 * @param externalMqtt          {@code mqtt.external-host}, {@code mqtt.external-port}: an external MQTT broker shared
 *                              by every node instead of the embedded one
 * @param tlsProvider           {@code https.tls-provider}: the HTTPS listener's TLS implementation
 * @param mqttIntake            {@code mqtt.intake}: how the node takes the kiosks' publishes; {@link
 *                              MqttIntake#IN_PROCESS} only with the embedded MQTT broker
 * @param mqttHandshakeTimeout  {@code mqtt.tls-handshake-timeout}: how long the embedded MQTT listener waits for a
 *                              TLS handshake to finish (HiveMQ's {@code handshake-timeout})
 * @param mqttPubackStoreAck    {@code mqtt.puback-store-ack}: whether a kiosk may have its PUBACK as its store
 *                              acknowledgement (in-process intake only)
 * @param mqttStallCheck        {@code mqtt.stall-check-interval}: how often each intake connection's stall watch
 *                              checks (shared subscription on the embedded MQTT broker only)
 * @param httpsTransport        {@code https.transport}: the Netty transport of the HTTPS listener's event loops
 * @param mqttTlsProvider       {@code mqtt.tls-provider}: the embedded MQTT listener's TLS implementation
 */
public record BrokerConfig(
        Path dataDir,
        String httpsBindAddress,
        int httpsPort,
        List<String> hostNames,
        List<String> allowedOrigins,
        int viewerMaxFrameBytes,
        int viewerMaxPendingBytes,
        ViewerLimits viewerLimits,
        String mqttBindAddress,
        int mqttPort,
        long mqttMaxQueuedMessages,
        int mqttReceiveMaximum,
        int mqttIntakeConnections,
        int mqttMaxPayloadBytes,
        KioskQuota mqttKioskQuota,
        String storeUrl,
        String storeUser,
        Duration storeGapTimeout,
        Duration storeAckInterval,
        Duration storeCommitDelay,
        AccessConfig access,
        SignalingConfig signaling,
        IceConfig ice,
        KioskPkiConfig kioskPki,
        VitalRanges vitals,
        MetricsConfig metrics,
        HttpLimits httpLimits,
        Lockouts lockouts,
        ExternalMqtt externalMqtt,
        TlsProvider tlsProvider,
        MqttIntake mqttIntake,
        Duration mqttHandshakeTimeout,
        boolean mqttPubackStoreAck,
        Duration mqttStallCheck,
        NettyTransport httpsTransport,
        TlsProvider mqttTlsProvider) {

    public BrokerConfig {
        Objects.requireNonNull(httpsTransport, "https.transport is required");
        Objects.requireNonNull(tlsProvider, "https.tls-provider is required");
        Objects.requireNonNull(mqttTlsProvider, "mqtt.tls-provider is required");
        Objects.requireNonNull(dataDir, "data.dir is required");
        Objects.requireNonNull(httpLimits, "httpLimits");
        Objects.requireNonNull(lockouts, "lockouts");
        Objects.requireNonNull(externalMqtt, "externalMqtt");
        Objects.requireNonNull(mqttIntake, "mqtt.intake is required");
        if (mqttIntake == MqttIntake.IN_PROCESS && externalMqtt.enabled()) {
            throw new IllegalArgumentException("mqtt.intake=in-process takes the kiosks' publishes inside the embedded"
                    + " MQTT broker, and with mqtt.external-host set the node has none: leave mqtt.intake at"
                    + " subscription (the nodes share the external broker's shared subscription)");
        }
        requireText("https.bind", httpsBindAddress);
        requireText("mqtt.bind", mqttBindAddress);
        range("https.port", httpsPort, 0, 65535);
        range("mqtt.port", mqttPort, 0, 65535);
        if (httpsPort != 0 && httpsPort == mqttPort) {
            throw new IllegalArgumentException("https.port and mqtt.port must differ, both are " + httpsPort);
        }
        hostNames = List.copyOf(hostNames);
        if (hostNames.isEmpty()) {
            throw new IllegalArgumentException("https.host-names must name at least one host, e.g. localhost");
        }
        for (String host : hostNames) {
            if (!host.matches("[A-Za-z0-9.:-]{1,253}")) {
                throw new IllegalArgumentException("https.host-names: '" + host + "' is not a host name or IP address");
            }
        }
        allowedOrigins = List.copyOf(allowedOrigins);
        for (String origin : allowedOrigins) {
            if (!origin.matches("https://[A-Za-z0-9.\\[\\]:-]+(:[0-9]{1,5})?")) {
                throw new IllegalArgumentException("https.allowed-origins: '" + origin
                        + "' is not an origin like https://telekiosk.example:8443 (no path, no trailing slash)");
            }
        }
        range("viewer.max-frame-bytes", viewerMaxFrameBytes, 16, 1 << 20);
        range("viewer.max-pending-bytes", viewerMaxPendingBytes, 1024, 1 << 30);
        Objects.requireNonNull(viewerLimits, "viewer.* limits are required");
        if (mqttMaxQueuedMessages < 1 || mqttMaxQueuedMessages > 10_000_000) {
            throw new IllegalArgumentException(
                    "mqtt.max-queued-messages must be 1..10000000, was " + mqttMaxQueuedMessages);
        }
        range("mqtt.receive-maximum", mqttReceiveMaximum, 1, 65535);
        range("mqtt.intake-connections", mqttIntakeConnections, 1, 8);
        range("mqtt.max-payload-bytes", mqttMaxPayloadBytes, 64, 1 << 20);
        Objects.requireNonNull(mqttKioskQuota, "mqtt.kiosk-* settings are required");
        Objects.requireNonNull(mqttHandshakeTimeout, "mqtt.tls-handshake-timeout is required");
        if (mqttHandshakeTimeout.compareTo(Duration.ofSeconds(1)) < 0
                || mqttHandshakeTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("mqtt.tls-handshake-timeout must be PT1S..PT5M, was "
                    + mqttHandshakeTimeout);
        }
        Objects.requireNonNull(mqttStallCheck, "mqtt.stall-check-interval is required");
        if (mqttStallCheck.compareTo(Duration.ofSeconds(1)) < 0 || mqttStallCheck.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("mqtt.stall-check-interval must be PT1S..PT5M, was " + mqttStallCheck);
        }
        storeUrl = storeUrl == null ? "" : storeUrl.strip();
        if (!storeUrl.isEmpty() && !storeUrl.startsWith("jdbc:postgresql:") && !storeUrl.startsWith("jdbc:sqlite:")) {
            throw new IllegalArgumentException("store.url must be empty (SQLite in the data directory) or a"
                    + " jdbc:postgresql: or jdbc:sqlite: URL");
        }
        storeUser = storeUser == null ? "" : storeUser.strip();
        Objects.requireNonNull(storeGapTimeout, "store.gap-timeout is required");
        if (storeGapTimeout.compareTo(Duration.ofSeconds(1)) < 0 || storeGapTimeout.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("store.gap-timeout must be PT1S..P30D, was " + storeGapTimeout);
        }
        Objects.requireNonNull(storeAckInterval, "store.ack-interval is required");
        if (storeAckInterval.compareTo(Duration.ofMillis(100)) < 0
                || storeAckInterval.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("store.ack-interval must be PT0.1S..PT10S, was " + storeAckInterval);
        }
        Objects.requireNonNull(storeCommitDelay, "store.commit-delay is required");
        if (storeCommitDelay.isNegative() || storeCommitDelay.compareTo(Duration.ofMillis(50)) > 0) {
            throw new IllegalArgumentException("store.commit-delay must be PT0S..PT0.05S, was " + storeCommitDelay);
        }
        Objects.requireNonNull(access, "access configuration is required");
        Objects.requireNonNull(signaling, "signal.* settings are required");
        Objects.requireNonNull(ice, "ice.* settings are required");
        Objects.requireNonNull(kioskPki, "kioskPki");
        Objects.requireNonNull(vitals, "vitals.* settings are required");
        Objects.requireNonNull(metrics, "metrics.* settings are required");
    }

    /**
     * How a node takes the kiosks' publishes ({@code mqtt.intake}, docs/architecture.md, "The vitals data path").
     */
    public enum MqttIntake {
        /**
         * {@code subscription}: the MQTT broker routes them to the node's intake connections in the broker share
         * group (MQTT 5 §4.8.2), which acknowledge each once it is committed; HiveMQ acknowledges the kiosk when it
         * took the message. Works with the embedded and an external MQTT broker.
         */
        SUBSCRIPTION("subscription"),
        /**
         * {@code in-process}: the embedded HiveMQ hands each kiosk publish to the intake inside the process and
         * acknowledges the kiosk only after the commit; nothing is queued in HiveMQ. Embedded MQTT broker only.
         */
        IN_PROCESS("in-process");

        private final String key;

        MqttIntake(String key) {
            this.key = key;
        }

        /** The value as written in the configuration. */
        public String key() {
            return key;
        }

        /**
         * Parses {@code auto}, {@code subscription} or {@code in-process}. {@code auto} (the default) is the
         * in-process intake with the embedded MQTT broker and the shared subscription with an external one.
         *
         * @param external whether the node uses an external MQTT broker ({@code mqtt.external-host} set)
         */
        public static MqttIntake parse(String value, boolean external) {
            String v = value == null ? "" : value.strip();
            if (v.equals("auto")) {
                return external ? SUBSCRIPTION : IN_PROCESS;
            }
            for (MqttIntake intake : values()) {
                if (intake.key.equals(v)) {
                    return intake;
                }
            }
            throw new IllegalArgumentException("mqtt.intake must be auto, subscription or in-process, was '"
                    + org.telekiosk.protocol.Untrusted.printable(v, 40) + "'");
        }
    }

    /**
     * Each kiosk's publish quota at the MQTT broker (docs/security.md, "Flood fairness").
     *
     * @param ratePerSecond {@code mqtt.kiosk-rate-per-second}: publishes a second, sustained (1..100000)
     * @param burst         {@code mqtt.kiosk-burst}: publishes at once after a quiet spell (1..1000000)
     */
    public record KioskQuota(int ratePerSecond, int burst) {
        public KioskQuota {
            range("mqtt.kiosk-rate-per-second", ratePerSecond, 1, 100_000);
            range("mqtt.kiosk-burst", burst, 1, 1_000_000);
        }
    }

    /**
     * The MQTT broker every node shares instead of its embedded HiveMQ (docs/scale-out.md): kiosks and nodes connect
     * to {@code host:port} with mutual TLS (the Telekiosk CA; each node presents its service certificate). An empty
     * host means the embedded MQTT broker, the default.
     *
     * @param host {@code mqtt.external-host}: a DNS name or address covered by the external broker's certificate
     * @param port {@code mqtt.external-port} (1..65535)
     */
    public record ExternalMqtt(String host, int port) {
        public ExternalMqtt {
            host = host == null ? "" : host.strip();
            if (!host.isEmpty() && !host.matches("[A-Za-z0-9.:-]{1,253}")) {
                throw new IllegalArgumentException("mqtt.external-host: '" + host
                        + "' is not a host name or IP address (empty: the embedded MQTT broker)");
            }
            range("mqtt.external-port", port, 1, 65535);
        }

        /** Whether the nodes share an external MQTT broker. */
        public boolean enabled() {
            return !host.isEmpty();
        }

        /** The URI a node's MQTT clients connect to. */
        public String uri() {
            return "ssl://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** The SQLite file used when {@code store.url} is empty. */
    public Path defaultStoreFile() {
        return dataDir.resolve("store").resolve("telekiosk.db");
    }

    /**
     * The origins allowed to open {@code /ws/viewer} and {@code /ws/signal} and to send cookie-authenticated REST
     * requests that change something, once the HTTPS port is known: {@code https.allowed-origins} if set, otherwise
     * {@code https://<name>[:port]} for every name in {@code https.host-names} and every host name of the served
     * certificate ({@code certificateNames}: the machine's own name the broker adds, or an operator certificate's
     * names), so that every address the certificate is valid for is also an allowed origin.
     */
    public List<String> effectiveOrigins(int boundHttpsPort, List<String> certificateNames) {
        if (!allowedOrigins.isEmpty()) {
            return allowedOrigins;
        }
        String port = boundHttpsPort == 443 ? "" : ":" + boundHttpsPort;
        return java.util.stream.Stream.concat(hostNames.stream(), certificateNames.stream())
                .map(h -> "https://" + (h.contains(":") ? "[" + h + "]" : h.toLowerCase(java.util.Locale.ROOT)) + port)
                .distinct()
                .toList();
    }

    /** This configuration with other ports; everything else is kept. */
    public BrokerConfig withPorts(int https, int mqtt) {
        return new BrokerConfig(dataDir, httpsBindAddress, https, hostNames, allowedOrigins, viewerMaxFrameBytes,
                viewerMaxPendingBytes, viewerLimits, mqttBindAddress, mqtt, mqttMaxQueuedMessages, mqttReceiveMaximum,
                mqttIntakeConnections, mqttMaxPayloadBytes, mqttKioskQuota, storeUrl, storeUser, storeGapTimeout, storeAckInterval,
                storeCommitDelay, access, signaling, ice,
                kioskPki, vitals, metrics, httpLimits, lockouts, externalMqtt, tlsProvider, mqttIntake,
                mqttHandshakeTimeout, mqttPubackStoreAck, mqttStallCheck, httpsTransport, mqttTlsProvider);
    }

    private static void range(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be " + min + ".." + max + ", was " + value);
        }
    }

    private static void requireText(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is required");
        }
    }
}
