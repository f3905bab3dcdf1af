package org.telekiosk.broker.account;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Throttles password guessing per login name (one account attacked from many addresses) and per client address (many
 * accounts tried from one address), OWASP Authentication Cheat Sheet, "Protect Against Automated Attacks". A success
 * resets only the login name: resetting the address would let an attacker who owns one account clear their own
 * record. The per-name lockout can be triggered by anyone who knows a login name; it is capped
 * ({@link LockoutPolicy#maxLockout()}) so that such a denial of service stays short.
 */
public final class LoginThrottle {
    private final FailureThrottle<LoginName> byLoginName;
    private final FailureThrottle<ClientAddress> byAddress;

    public LoginThrottle(Clock clock, LockoutPolicy policy) {
        this.byLoginName = new FailureThrottle<>(clock, policy);
        this.byAddress = new FailureThrottle<>(clock, policy);
    }

    /**
     * The counts shared by the nodes on one PostgreSQL ({@link SqlFailureLedger}, scopes {@code login-name} and
     * {@code login-address}), so that N nodes do not give a guesser N times the guesses.
     */
    public LoginThrottle(Clock clock, LockoutPolicy policy, org.telekiosk.broker.store.SqlAccess shared) {
        this.byLoginName = new FailureThrottle<>(clock, policy, new SqlFailureLedger(shared, "login-name", policy));
        this.byAddress = new FailureThrottle<>(clock, policy, new SqlFailureLedger(shared, "login-address", policy));
    }

    /** The longer of the two lockouts that apply, or empty if this attempt may be checked. */
    public Optional<Duration> retryAfter(LoginName loginName, ClientAddress address) {
        Optional<Duration> name = byLoginName.retryAfter(loginName);
        Optional<Duration> client = byAddress.retryAfter(address);
        if (name.isEmpty()) {
            return client;
        }
        if (client.isEmpty()) {
            return name;
        }
        return Optional.of(name.get().compareTo(client.get()) >= 0 ? name.get() : client.get());
    }

    public void failed(LoginName loginName, ClientAddress address) {
        byLoginName.recordFailure(loginName);
        byAddress.recordFailure(address);
    }

    public void succeeded(LoginName loginName) {
        byLoginName.reset(loginName);
    }
}
