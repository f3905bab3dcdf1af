package org.telekiosk.broker.account;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a login lasts (OWASP Session Management Cheat Sheet, "Session Expiration"): a session ends
 * {@code absoluteLifetime} after login whatever happens, and earlier if unused for {@code idleTimeout}.
 *
 * @param absoluteLifetime from login to forced re-login, at most 7 days (default 12 h, one working day)
 * @param idleTimeout      without a request, at most the absolute lifetime (default 30 min)
 */
public record SessionPolicy(Duration absoluteLifetime, Duration idleTimeout) {
    public static final SessionPolicy DEFAULT = new SessionPolicy(Duration.ofHours(12), Duration.ofMinutes(30));

    public SessionPolicy {
        Objects.requireNonNull(absoluteLifetime, "absoluteLifetime");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (absoluteLifetime.isNegative() || absoluteLifetime.isZero()
                || absoluteLifetime.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("session absolute lifetime must be in (0, 7 days], was "
                    + absoluteLifetime);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero() || idleTimeout.compareTo(absoluteLifetime) > 0) {
            throw new IllegalArgumentException("session idle timeout must be in (0, absolute lifetime], was "
                    + idleTimeout);
        }
    }
}
