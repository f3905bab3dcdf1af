package org.telekiosk.agent.uplink;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.telekiosk.protocol.KioskId;

/**
 * How {@link PahoUplink} reaches the broker. {@code AgentConfig} validates the values against their configuration
 * keys; this record only refuses what cannot work at all.
 *
 * @param serverUri      {@code ssl://host:port}; the host is checked against the broker certificate (RFC 6125)
 * @param kiosk          client identifier (MQTT 5 §3.1.3.1) and user name (§3.1.3.5) of the CONNECT
 * @param password       the kiosk's password (§3.1.3.6), with the kiosk id as user name; null when the kiosk
 *                       proves itself with {@code identity} alone (the Telekiosk broker ignores passwords; an
 *                       external broker may still use them)
 * @param caFile         PEM file with the CA certificate(s) that signed the broker's certificate; nothing else is
 *                       trusted
 * @param sessionExpiry  Session Expiry Interval sent with Clean Start 0 (§3.1.2.4, §3.1.2.11.2), so that the session
 *                       outlives disconnects
 * @param inflightWindow most unacknowledged QoS 1 publishes; the server's Receive Maximum (§3.2.2.3.3) lowers it
 * @param keepAlive      Keep Alive (§3.1.2.10)
 * @param connectTimeout longest wait for TCP, TLS and CONNACK together before the attempt counts as failed
 * @param identity       the kiosk's client certificate and key for mutual TLS; null for none
 */
public record UplinkSettings(
        URI serverUri,
        KioskId kiosk,
        MqttPassword password,
        Path caFile,
        Duration sessionExpiry,
        int inflightWindow,
        Duration keepAlive,
        Duration connectTimeout,
        ClientIdentity identity) {

    /** Settings with a password and no client certificate. */
    public UplinkSettings(URI serverUri, KioskId kiosk, MqttPassword password, Path caFile, Duration sessionExpiry,
            int inflightWindow, Duration keepAlive, Duration connectTimeout) {
        this(serverUri, kiosk, Objects.requireNonNull(password, "password"), caFile, sessionExpiry, inflightWindow,
                keepAlive, connectTimeout, null);
    }

    /** Largest Session Expiry Interval that still expires (0xFFFFFFFF means never, §3.1.2.11.2). */
    static final long MAX_SESSION_EXPIRY_SECONDS = 0xFFFF_FFFEL;

    public UplinkSettings {
        Objects.requireNonNull(serverUri, "serverUri");
        Objects.requireNonNull(kiosk, "kiosk");
        if (password == null && identity == null) {
            throw new IllegalArgumentException("a kiosk needs a client certificate (identity) or a password");
        }
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(sessionExpiry, "sessionExpiry");
        Objects.requireNonNull(keepAlive, "keepAlive");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (!"ssl".equals(serverUri.getScheme()) || serverUri.getHost() == null || serverUri.getPort() < 1) {
            throw new IllegalArgumentException("serverUri must look like ssl://host:port, was " + serverUri);
        }
        if (sessionExpiry.toSeconds() < 1 || sessionExpiry.toSeconds() > MAX_SESSION_EXPIRY_SECONDS) {
            throw new IllegalArgumentException("sessionExpiry must be between 1 s and " + MAX_SESSION_EXPIRY_SECONDS
                    + " s, was " + sessionExpiry);
        }
        if (inflightWindow < 1 || inflightWindow > 65_535) {
            throw new IllegalArgumentException("inflightWindow must be between 1 and 65535, was " + inflightWindow);
        }
        if (keepAlive.isNegative() || keepAlive.toSeconds() > 65_535) {
            throw new IllegalArgumentException("keepAlive must be between 0 and 65535 s, was " + keepAlive);
        }
        if (connectTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("connectTimeout must be at least 1 s, was " + connectTimeout);
        }
    }
}
