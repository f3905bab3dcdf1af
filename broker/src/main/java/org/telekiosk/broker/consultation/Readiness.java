package org.telekiosk.broker.consultation;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * How ready a waiting patient's kiosk is, as the doctor sees it in the waiting room: the browser's camera and
 * microphone permissions, whether the kiosk's sensors are online, and the round-trip time to the broker. The
 * signaling layer fills it from what the kiosk page reports and from its own pings.
 */
public record Readiness(boolean cameraGranted, boolean microphoneGranted, boolean sensorsOnline,
        OptionalInt roundTripMillis) {
    /** Nothing reported yet. */
    public static final Readiness UNKNOWN = new Readiness(false, false, false, OptionalInt.empty());

    public Readiness {
        Objects.requireNonNull(roundTripMillis, "roundTripMillis");
        if (roundTripMillis.isPresent() && (roundTripMillis.getAsInt() < 0 || roundTripMillis.getAsInt() > 600_000)) {
            throw new IllegalArgumentException("round trip must be in [0, 600000] ms, was "
                    + roundTripMillis.getAsInt());
        }
    }
}
