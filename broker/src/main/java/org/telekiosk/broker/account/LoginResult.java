package org.telekiosk.broker.account;

import java.time.Duration;
import java.time.Instant;

/**
 * The answer to a login. A wrong password and an unknown login name give the same {@link InvalidCredentials}
 * (OWASP Authentication Cheat Sheet, "Authentication Responses").
 */
public sealed interface LoginResult {
    record LoggedIn(Account account, OpaqueToken token, Instant expiresAt) implements LoginResult {}

    record InvalidCredentials() implements LoginResult {}

    /** Too many failures for this login name or address; the transport answers 429 with {@code Retry-After}. */
    record Throttled(Duration retryAfter) implements LoginResult {}
}
