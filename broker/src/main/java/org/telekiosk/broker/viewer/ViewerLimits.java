package org.telekiosk.broker.viewer;

/**
 * What one account may hold and send on the vitals socket ({@code viewer.*} in {@code broker-defaults.properties};
 * docs/security.md, "Limits").
 *
 * @param maxSocketsPerAccount {@code viewer.max-sockets-per-account}: vitals sockets one doctor account (or one
 *                             kiosk's page) may hold open at once; the next {@code hello} is refused with
 *                             {@code too-many-sockets}, close 4429
 * @param ratePerSecond        {@code viewer.rate-per-second}: messages a second one vitals socket may send, sustained
 * @param burst                {@code viewer.burst}: messages it may send at once; more closes it with
 *                             {@code rate-limited}, 4429
 */
public record ViewerLimits(int maxSocketsPerAccount, int ratePerSecond, int burst) {
    /** The defaults of {@code broker-defaults.properties}. */
    public static final ViewerLimits DEFAULTS = new ViewerLimits(16, 10, 50);

    public ViewerLimits {
        range("viewer.max-sockets-per-account", maxSocketsPerAccount, 1, 10_000);
        range("viewer.rate-per-second", ratePerSecond, 1, 10_000);
        range("viewer.burst", burst, 1, 100_000);
    }

    private static void range(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be " + min + ".." + max + ", was " + value);
        }
    }
}
