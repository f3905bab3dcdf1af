package org.telekiosk.agent.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.telekiosk.agent.kioskpage.KioskPageCommand;
import org.telekiosk.agent.uplink.ClientIdentity;
import org.telekiosk.agent.outbox.OutboxSettings;
import org.telekiosk.agent.outbox.SyncPolicy;
import org.telekiosk.agent.uplink.MqttPassword;
import org.telekiosk.protocol.retry.ReconnectPolicy;
import org.telekiosk.agent.uplink.UplinkSettings;
import org.telekiosk.protocol.KioskId;

/**
 * The edge agent's configuration, validated when made; {@link AgentConfigLoader} makes it from a properties file.
 * Every component is one key of {@code agent-defaults.properties}, where each is documented; the messages of the
 * validation name those keys. Paths are absolute once loaded.
 *
 * @param kioskId             {@code kiosk.id}
 * @param mqttUri             {@code mqtt.uri}, {@code ssl://host:port}
 * @param mqttCaFile          {@code mqtt.ca-file}
 * @param mqttPassword        the content of {@code mqtt.password-file}; null when the kiosk has a certificate
 * @param mqttIdentity        {@code mqtt.cert-file} and {@code mqtt.key-file}; null when it uses a password
 * @param mqttSessionExpiry   {@code mqtt.session-expiry}, MQTT 5 §3.1.2.11.2
 * @param mqttInflightWindow  {@code mqtt.inflight-window}, MQTT 5 §3.2.2.3.3
 * @param mqttKeepAlive       {@code mqtt.keep-alive}, MQTT 5 §3.1.2.10
 * @param mqttConnectTimeout  {@code mqtt.connect-timeout}
 * @param mqttReconnectMin    {@code mqtt.reconnect.min}
 * @param mqttReconnectMax    {@code mqtt.reconnect.max}
 * @param samplingInterval    {@code sampling.interval}
 * @param dataDir             {@code data.dir}
 * @param outboxMaxBytes      {@code outbox.max-bytes}
 * @param outboxSync          {@code outbox.sync}
 * @param outboxDrainRate     {@code outbox.drain-rate}
 * @param outboxRetryDelay {@code outbox.retry-delay} (formerly {@code forwarder.retry-delay}, still read)
 * @param storeAckTimeout     {@code outbox.store-ack-timeout}
 * @param sensors             the {@code sensor.*} keys and {@code status.interval}
 * @param renewalUrl          {@code renewal.url}; null: the certificate is not renewed by the agent
 * @param kioskPageCommand    {@code kiosk-page.command}: the command that opens the kiosk page, with {@code {url}}
 *                            where the page's URL goes (one argument); null: the agent opens no page
 * @param sequenceNext        {@code sequence.next}: the lowest sequence number the outbox may hand out
 */
public record AgentConfig(
        KioskId kioskId,
        URI mqttUri,
        Path mqttCaFile,
        MqttPassword mqttPassword,
        ClientIdentity mqttIdentity,
        Duration mqttSessionExpiry,
        int mqttInflightWindow,
        Duration mqttKeepAlive,
        Duration mqttConnectTimeout,
        Duration mqttReconnectMin,
        Duration mqttReconnectMax,
        Duration samplingInterval,
        Path dataDir,
        long outboxMaxBytes,
        SyncPolicy outboxSync,
        int outboxDrainRate,
        Duration outboxRetryDelay,
        Duration storeAckTimeout,
        SensorsConfig sensors,
        URI renewalUrl,
        String kioskPageCommand,
        long sequenceNext) {

    public AgentConfig {
        required("kiosk.id", kioskId);
        required("mqtt.uri", mqttUri);
        required("mqtt.ca-file", mqttCaFile);
        if (mqttPassword == null && mqttIdentity == null) {
            throw new IllegalArgumentException("mqtt.cert-file and mqtt.key-file are required (written by "
                    + "'edge-agent enroll'); an external broker may use mqtt.password-file instead");
        }
        if (renewalUrl != null && (!"https".equals(renewalUrl.getScheme()) || renewalUrl.getHost() == null)) {
            throw new IllegalArgumentException("renewal.url must be https://host:port/api/v1/renew, was '"
                    + renewalUrl + "'");
        }
        required("data.dir", dataDir);
        requireMqttUri(mqttUri);
        between("mqtt.session-expiry", mqttSessionExpiry, Duration.ofMinutes(1), Duration.ofSeconds(0xFFFF_FFFEL));
        between("mqtt.inflight-window", mqttInflightWindow, 1, 65_535);
        between("mqtt.keep-alive", mqttKeepAlive, Duration.ZERO, Duration.ofSeconds(65_535));
        between("mqtt.connect-timeout", mqttConnectTimeout, Duration.ofSeconds(1), Duration.ofMinutes(5));
        between("mqtt.reconnect.min", mqttReconnectMin, Duration.ofMillis(100), Duration.ofMinutes(10));
        between("mqtt.reconnect.max", mqttReconnectMax, mqttReconnectMin, Duration.ofDays(1));
        between("sampling.interval", samplingInterval, Duration.ofMillis(100), Duration.ofHours(1));
        if (outboxMaxBytes < OutboxSettings.MIN_MAX_BYTES || outboxMaxBytes > MAX_OUTBOX_BYTES) {
            throw new IllegalArgumentException("outbox.max-bytes must be between " + OutboxSettings.MIN_MAX_BYTES
                    + " and " + MAX_OUTBOX_BYTES + ", was " + outboxMaxBytes);
        }
        required("outbox.sync", outboxSync);
        between("outbox.drain-rate", outboxDrainRate, 1, 1_000_000);
        between("outbox.retry-delay", outboxRetryDelay, Duration.ofMillis(100), Duration.ofMinutes(10));
        between("outbox.store-ack-timeout", storeAckTimeout, Duration.ofSeconds(1), Duration.ofHours(1));
        required("sensor.*", sensors);
        if (sequenceNext < 1 || sequenceNext > (1L << 62)) {
            throw new IllegalArgumentException("sequence.next must be between 1 and 2^62, was " + sequenceNext);
        }
        if (kioskPageCommand != null) {
            new KioskPageCommand(kioskPageCommand); // validates
            if (renewalUrl == null) {
                throw new IllegalArgumentException("kiosk-page.command needs renewal.url: the page's one-time token"
                        + " comes from the broker named there, over mutual TLS");
            }
        }
    }

    /** The largest {@code outbox.max-bytes}: 64 GiB. */
    public static final long MAX_OUTBOX_BYTES = 64L << 30;

    /** What the outbox needs of this configuration. */
    public OutboxSettings outbox() {
        return new OutboxSettings(dataDir, outboxMaxBytes, outboxSync, outboxDrainRate, outboxRetryDelay,
                storeAckTimeout);
    }

    /** What the MQTT uplink needs of this configuration. */
    public UplinkSettings uplink() {
        return new UplinkSettings(mqttUri, kioskId, mqttPassword, mqttCaFile, mqttSessionExpiry, mqttInflightWindow,
                mqttKeepAlive, mqttConnectTimeout, mqttIdentity);
    }

    /** The reconnect backoff of this configuration, drawing its jitter from {@code random}. */
    public ReconnectPolicy reconnectPolicy(RandomGenerator random) {
        return new ReconnectPolicy(mqttReconnectMin, mqttReconnectMax, random);
    }

    private static void required(String key, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(key + " is required");
        }
    }

    private static void requireMqttUri(URI uri) {
        boolean valid = "ssl".equals(uri.getScheme()) && uri.getHost() != null && uri.getPort() > 0
                && uri.getUserInfo() == null && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                && uri.getRawQuery() == null && uri.getRawFragment() == null;
        if (!valid) {
            throw new IllegalArgumentException("mqtt.uri must be ssl://host:port (TLS, with an explicit port and "
                    + "nothing after it), was '" + uri + "'");
        }
    }

    private static void between(String key, Duration value, Duration min, Duration max) {
        required(key, value);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(key + " must be between " + Durations.format(min) + " and "
                    + Durations.format(max) + ", was " + Durations.format(value));
        }
    }

    private static void between(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", was " + value);
        }
    }
}
