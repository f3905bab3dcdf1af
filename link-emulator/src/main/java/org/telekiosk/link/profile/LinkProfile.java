package org.telekiosk.link.profile;

import java.util.Objects;

/**
 * A steady link: what the uplink (kiosk to broker) and the downlink (broker to kiosk) each do.
 */
public record LinkProfile(String name, DirectionProfile up, DirectionProfile down) {
    public LinkProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(up, "up");
        Objects.requireNonNull(down, "down");
    }

    /** A link that neither delays nor loses anything (loopback). */
    public static LinkProfile perfect() {
        return new LinkProfile("perfect", DirectionProfile.PERFECT, DirectionProfile.PERFECT);
    }

    /** A link on which everything is lost. */
    public static LinkProfile blackout() {
        DirectionProfile cut = new DirectionProfile(0, java.time.Duration.ZERO, java.time.Duration.ZERO, 1, 0);
        return new LinkProfile("blackout", cut, cut);
    }
}
