package org.telekiosk.broker.consultation;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * How ready a waiting patient's device is, as its page reports it: the browser's camera and microphone permissions
 * and the round-trip time to the broker. The kiosk's sensors are not the page's to claim: the signaling layer adds
 * them from the kiosk's own latest status.
 */
public record DeviceReadiness(boolean cameraGranted, boolean microphoneGranted, OptionalInt roundTripMillis) {
    /** Nothing reported yet. */
    public static final DeviceReadiness UNKNOWN = new DeviceReadiness(false, false, OptionalInt.empty());

    public DeviceReadiness {
        Objects.requireNonNull(roundTripMillis, "roundTripMillis");
        if (roundTripMillis.isPresent() && (roundTripMillis.getAsInt() < 0 || roundTripMillis.getAsInt() > 600_000)) {
            throw new IllegalArgumentException("round trip must be in [0, 600000] ms, was "
                    + roundTripMillis.getAsInt());
        }
    }
}
