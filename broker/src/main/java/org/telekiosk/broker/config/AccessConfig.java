package org.telekiosk.broker.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Accounts, sessions, consultations and the REST API; each key is described in {@code broker-defaults.properties}.
 * Validated here with the key's name; the services' own policy records check the same bounds again.
 *
 * @param sessionAbsoluteLifetime  {@code session.absolute-lifetime}: (0, 7 days]
 * @param sessionIdleTimeout       {@code session.idle-timeout}: (0, absolute lifetime]
 * @param accessWindow             {@code consultation.access-window}: [1 s, 30 days] (KBV Anlage 31b)
 * @param codeLifetime             {@code consultation.code-lifetime}: [1 s, 30 days]
 * @param seatGracePeriod          {@code consultation.seat-grace-period}: [1 s, 10 min]
 * @param consultationRetention    {@code consultation.retention}: ended consultations are deleted after it, with
 *                                 their seats, codes, call periods and records, [1 h, 90 days] (KBV Anlage 31b:
 *                                 metadata three months at most)
 * @param auditRetention           {@code audit.retention}: audit entries are deleted after it, [1 day, 366 days]
 * @param purgeInterval            {@code purge.interval}: how often the purge runs, [1 s, 1 day]
 * @param apiMaxConcurrentRequests {@code api.max-concurrent-requests}: REST requests in progress, 1..10000
 * @param apiMaxConcurrentHashes   {@code api.max-concurrent-hashes}: Argon2id hashes at once (64 MiB each), 1..64
 */
public record AccessConfig(
        Duration sessionAbsoluteLifetime,
        Duration sessionIdleTimeout,
        Duration accessWindow,
        Duration codeLifetime,
        Duration seatGracePeriod,
        Duration consultationRetention,
        Duration auditRetention,
        Duration purgeInterval,
        int apiMaxConcurrentRequests,
        int apiMaxConcurrentHashes) {

    public AccessConfig {
        within("session.absolute-lifetime", sessionAbsoluteLifetime, Duration.ofSeconds(1), Duration.ofDays(7));
        within("session.idle-timeout", sessionIdleTimeout, Duration.ofSeconds(1), sessionAbsoluteLifetime);
        within("consultation.access-window", accessWindow, Duration.ofSeconds(1), Duration.ofDays(30));
        within("consultation.code-lifetime", codeLifetime, Duration.ofSeconds(1), Duration.ofDays(30));
        within("consultation.seat-grace-period", seatGracePeriod, Duration.ofSeconds(1), Duration.ofMinutes(10));
        within("consultation.retention", consultationRetention, Duration.ofHours(1), Duration.ofDays(90));
        within("audit.retention", auditRetention, Duration.ofDays(1), Duration.ofDays(366));
        within("purge.interval", purgeInterval, Duration.ofSeconds(1), Duration.ofDays(1));
        if (apiMaxConcurrentRequests < 1 || apiMaxConcurrentRequests > 10_000) {
            throw new IllegalArgumentException("api.max-concurrent-requests must be 1..10000, was "
                    + apiMaxConcurrentRequests);
        }
        if (apiMaxConcurrentHashes < 1 || apiMaxConcurrentHashes > 64) {
            throw new IllegalArgumentException("api.max-concurrent-hashes must be 1..64, was "
                    + apiMaxConcurrentHashes);
        }
    }

    private static void within(String key, Duration value, Duration min, Duration max) {
        Objects.requireNonNull(value, key + " is required");
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(key + " must be " + min + ".." + max + ", was " + value);
        }
    }
}
