package org.telekiosk.protocol.signaling;

/**
 * How ready a waiting patient's device is: camera and microphone permission granted, the kiosk's sensors online,
 * and the round-trip time to the broker in milliseconds as the page measured it with {@code ping}, or -1 while not
 * measured.
 */
public record Readiness(boolean camera, boolean microphone, boolean sensors, int roundTripMillis) {
    /** Nothing reported yet. */
    public static final Readiness UNKNOWN = new Readiness(false, false, false, -1);

    public Readiness {
        Fields.range("roundTripMillis", roundTripMillis, -1, 600_000);
    }
}
