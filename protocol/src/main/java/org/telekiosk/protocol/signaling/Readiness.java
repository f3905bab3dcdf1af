package org.telekiosk.protocol.signaling;

/**
 * How ready a waiting patient's device is, as its page reports it: camera and microphone permission granted, and
 * the round-trip time to the broker in milliseconds as the page measured it with {@code ping}, or -1 while not
 * measured. The kiosk's sensors are not the page's to report: the broker adds them from the kiosk's own status
 * ({@link KioskSensors}).
 */
public record Readiness(boolean camera, boolean microphone, int roundTripMillis) {
    /** Nothing reported yet. */
    public static final Readiness UNKNOWN = new Readiness(false, false, -1);

    public Readiness {
        Fields.range("roundTripMillis", roundTripMillis, -1, 600_000);
    }
}
