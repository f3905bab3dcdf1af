package org.telekiosk.broker.config;

import java.time.Duration;
import java.util.Objects;

/**
 * What one client address and one HTTPS connection may hold (keys in {@code broker-defaults.properties};
 * docs/security.md, "Limits"). Validated here with the key's name.
 *
 * @param connectionsPerAddress {@code https.max-connections-per-address}: open HTTPS connections per remote address,
 *                              1..100000; the next is closed before its TLS handshake
 * @param requestDeadline       {@code https.request-deadline}: from a request's first byte to its last, [1 s, 10 min];
 *                              408 and close when it passes
 * @param pipelinedRequests     {@code https.max-pipelined-requests}: requests one connection may have waiting behind the
 *                              one being answered, 1..1000; more closes the connection
 * @param loginsInProgress      {@code api.max-logins-in-progress}: logins hashing or waiting for a hashing permit,
 *                              1..10000; more are answered 503 with {@code Retry-After} at once
 * @param refusalPause          {@code https.refusal-pause}: how long a refusal for load or rate (429, 503 with
 *                              {@code Retry-After}) waits before it is sent, at most its {@code Retry-After}; PT0S..PT10S,
 *                              zero sends them at once
 */
public record HttpLimits(int connectionsPerAddress, Duration requestDeadline, int pipelinedRequests,
        int loginsInProgress, Duration refusalPause) {
    /** The defaults of {@code broker-defaults.properties}. */
    public static final HttpLimits DEFAULTS = new HttpLimits(256, Duration.ofSeconds(20), 16, 32,
            Duration.ofSeconds(1));

    public HttpLimits {
        range("https.max-connections-per-address", connectionsPerAddress, 1, 100_000);
        Objects.requireNonNull(requestDeadline, "https.request-deadline is required");
        if (requestDeadline.compareTo(Duration.ofSeconds(1)) < 0 || requestDeadline.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("https.request-deadline must be PT1S..PT10M, was " + requestDeadline);
        }
        range("https.max-pipelined-requests", pipelinedRequests, 1, 1_000);
        range("api.max-logins-in-progress", loginsInProgress, 1, 10_000);
        Objects.requireNonNull(refusalPause, "https.refusal-pause is required");
        if (refusalPause.isNegative() || refusalPause.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("https.refusal-pause must be PT0S..PT10S, was " + refusalPause);
        }
    }

    private static void range(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be " + min + ".." + max + ", was " + value);
        }
    }
}
