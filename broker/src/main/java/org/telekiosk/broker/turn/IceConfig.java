package org.telekiosk.broker.turn;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which ICE servers the broker hands to browsers (keys {@code ice.*} and {@code turn.*} in
 * {@code broker-defaults.properties}). On one LAN none are needed: host candidates suffice. The TURN secret is not
 * part of this record: it comes only from the environment or the file named by {@code turn.secret-file}.
 *
 * @param stunUrls        {@code ice.stun-urls}
 * @param turnUrls        {@code ice.turn-urls}, or the three of {@link #turnUrls(String, int, int)} when
 *                        {@code ice.turn-host} is set; needs a secret
 * @param transportPolicy {@code ice.transport-policy}: {@code all} or {@code relay}
 * @param credentialTtl   {@code turn.credential-ttl}
 * @param secretFile      {@code turn.secret-file}; empty: the environment variable {@link TurnSecret#ENV}
 */
public record IceConfig(List<String> stunUrls, List<String> turnUrls, String transportPolicy, Duration credentialTtl,
        Optional<Path> secretFile) {
    public IceConfig {
        stunUrls = List.copyOf(stunUrls);
        turnUrls = List.copyOf(turnUrls);
        for (String url : stunUrls) {
            if (!url.matches("stuns?:[A-Za-z0-9.\\[\\]:_-]{1,255}")) {
                throw new IllegalArgumentException("ice.stun-urls: '" + url + "' is not a stun: or stuns: URL");
            }
        }
        for (String url : turnUrls) {
            if (!url.matches("turns?:[A-Za-z0-9.\\[\\]:_-]{1,255}(\\?transport=(udp|tcp))?")) {
                throw new IllegalArgumentException("ice.turn-urls: '" + url
                        + "' is not a turn: or turns: URL (RFC 7065), e.g. turn:turn.example:3478?transport=udp");
            }
        }
        if (!"all".equals(transportPolicy) && !"relay".equals(transportPolicy)) {
            throw new IllegalArgumentException("ice.transport-policy must be 'all' or 'relay', was '"
                    + transportPolicy + "'");
        }
        if ("relay".equals(transportPolicy) && turnUrls.isEmpty()) {
            throw new IllegalArgumentException("ice.transport-policy=relay needs ice.turn-urls");
        }
        Objects.requireNonNull(credentialTtl, "turn.credential-ttl is required");
        if (credentialTtl.compareTo(Duration.ofMinutes(1)) < 0 || credentialTtl.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("turn.credential-ttl must be PT1M..P1D, was " + credentialTtl);
        }
        Objects.requireNonNull(secretFile, "secretFile");
    }

    /**
     * The TURN URLs for one coturn reachable as {@code host}, in the order browsers should try them: UDP on
     * {@code port} (the normal case), TCP on {@code port} (networks that drop UDP), and TLS over TCP on
     * {@code tlsPort} (networks that let only HTTPS out; 443 so that it looks like HTTPS to a firewall). Keys
     * {@code ice.turn-host}, {@code ice.turn-port}, {@code ice.turns-port}; RFC 7065 §3.
     */
    public static List<String> turnUrls(String host, int port, int tlsPort) {
        if (!host.matches("[A-Za-z0-9.\\[\\]:_-]{1,200}")) {
            throw new IllegalArgumentException("ice.turn-host: '" + host + "' is not a host name or address");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("ice.turn-port must be 1..65535, was " + port);
        }
        if (tlsPort < 0 || tlsPort > 65_535) {
            throw new IllegalArgumentException("ice.turns-port must be 1..65535 (0: no TLS URL), was " + tlsPort);
        }
        List<String> urls = new java.util.ArrayList<>(List.of("turn:" + host + ":" + port + "?transport=udp",
                "turn:" + host + ":" + port + "?transport=tcp"));
        if (tlsPort != 0) {
            urls.add("turns:" + host + ":" + tlsPort + "?transport=tcp");
        }
        return List.copyOf(urls);
    }

    /** No ICE servers: host candidates only. */
    public static IceConfig none() {
        return new IceConfig(List.of(), List.of(), "all", Duration.ofHours(1), Optional.empty());
    }
}
