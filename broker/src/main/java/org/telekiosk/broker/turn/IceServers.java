package org.telekiosk.broker.turn;

import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.telekiosk.protocol.signaling.IceServer;

/**
 * Issues the ICE servers for one participant: the STUN URLs as they are, and the TURN URLs with short-lived
 * credentials in coturn's shared-secret scheme ({@code use-auth-secret}; draft-uberti-behave-turn-rest-00 §2.2):
 * user name {@code <expiry in Unix seconds>:<participant>}, password base64(HMAC-SHA1(secret, user name)). coturn
 * recomputes the password from the user name and refuses it once the expiry has passed; the broker keeps nothing.
 */
public final class IceServers {
    private final IceConfig config;
    private final Optional<TurnSecret> secret;
    private final Clock clock;

    public IceServers(IceConfig config, Optional<TurnSecret> secret, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.secret = Objects.requireNonNull(secret, "secret");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (!config.turnUrls().isEmpty() && secret.isEmpty()) {
            throw new IllegalArgumentException("ice.turn-urls are set but there is no TURN secret: set "
                    + TurnSecret.ENV + " or turn.secret-file");
        }
    }

    /** The ICE transport policy for browsers: {@code all} or {@code relay}. */
    public String transportPolicy() {
        return config.transportPolicy();
    }

    /** The ICE servers for {@code participant} (a label without {@code :}, e.g. a participant or account id). */
    public List<IceServer> issue(String participant) {
        if (participant.isEmpty() || participant.contains(":") || participant.length() > 100) {
            throw new IllegalArgumentException("participant label must be 1-100 characters without ':'");
        }
        List<IceServer> servers = new ArrayList<>();
        if (!config.stunUrls().isEmpty()) {
            servers.add(new IceServer(config.stunUrls(), "", ""));
        }
        if (!config.turnUrls().isEmpty()) {
            long expiry = clock.instant().plus(config.credentialTtl()).getEpochSecond();
            String username = expiry + ":" + participant;
            servers.add(new IceServer(config.turnUrls(), username, password(secret.orElseThrow(), username)));
        }
        return List.copyOf(servers);
    }

    /** base64(HMAC-SHA1(secret, username)), as coturn computes it for {@code use-auth-secret}. */
    static String password(TurnSecret secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.bytes(), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(
                    java.nio.charset.StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every Java platform", e);
        }
    }
}
