package org.telekiosk.broker.signaling;

/**
 * Limits of the signaling socket (keys {@code signal.*} in {@code broker-defaults.properties}).
 *
 * @param maxFrameBytes  {@code signal.max-frame-bytes}: the largest message a browser may send
 * @param ratePerSecond  {@code signal.rate-per-second}: messages per second one connection may send on average
 * @param burst          {@code signal.burst}: how many it may send at once (an ICE gathering burst)
 * @param replayEvents   {@code signal.replay-events}: numbered events kept per participant for a resume
 * @param maxSocketsPerAccount {@code signal.max-sockets-per-account}: signaling sockets one doctor account (or one
 *                       kiosk's page) may hold joined at once; the next {@code hello} is refused with
 *                       {@code too-many-sockets}, close 4429
 */
public record SignalingConfig(int maxFrameBytes, int ratePerSecond, int burst, int replayEvents,
        int maxSocketsPerAccount) {
    public static final SignalingConfig DEFAULT = new SignalingConfig(65_536, 20, 200, 256, 16);

    public SignalingConfig {
        range("signal.max-frame-bytes", maxFrameBytes, 1_024, 1 << 20);
        range("signal.rate-per-second", ratePerSecond, 1, 10_000);
        range("signal.burst", burst, 1, 100_000);
        range("signal.replay-events", replayEvents, 1, 100_000);
        range("signal.max-sockets-per-account", maxSocketsPerAccount, 1, 10_000);
    }

    private static void range(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be " + min + ".." + max + ", was " + value);
        }
    }
}
