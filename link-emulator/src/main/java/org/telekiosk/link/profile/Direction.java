package org.telekiosk.link.profile;

/** The two directions of a kiosk's link. */
public enum Direction {
    /** Kiosk to broker (or to the TURN server). */
    UP,
    /** Broker (or TURN server) to kiosk. */
    DOWN;

    /** This direction's part of {@code profile}. */
    public DirectionProfile of(LinkProfile profile) {
        return this == UP ? profile.up() : profile.down();
    }
}
