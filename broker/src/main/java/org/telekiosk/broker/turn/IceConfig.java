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
 * @param turnUrls        {@code ice.turn-urls}; needs a secret
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

    /** No ICE servers: host candidates only. */
    public static IceConfig none() {
        return new IceConfig(List.of(), List.of(), "all", Duration.ofHours(1), Optional.empty());
    }
}
