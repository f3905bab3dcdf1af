package org.telekiosk.broker.config;

import java.time.Duration;
import java.util.Objects;
import org.telekiosk.broker.account.LockoutPolicy;

/**
 * The guessing limits for passwords and join codes (keys {@code login.lockout.*} and {@code join-code.*} in
 * {@code broker-defaults.properties}; docs/security.md, "Join-code guessing" and "Logins").
 *
 * @param login            per login name and per client address: {@code login.lockout.free-failures},
 *                         {@code login.lockout.first}, {@code login.lockout.max}
 * @param joinCode         per client address: {@code join-code.lockout.free-failures}, {@code join-code.lockout.first},
 *                         {@code join-code.lockout.max}
 * @param guardWrongCodes  {@code join-code.guard.wrong-codes}: wrong codes from all addresses within
 *                         {@code guardWindow} that switch the global guard on, 1..1000000
 * @param guardWindow      {@code join-code.guard.window}: [1 min, 1 day]
 * @param guardDelay       {@code join-code.guard.delay}: how long an address with failures of its own waits while the
 *                         guard is on, [1 s, 1 h]; an address without failures is never delayed
 */
public record Lockouts(LockoutPolicy login, LockoutPolicy joinCode, int guardWrongCodes, Duration guardWindow,
        Duration guardDelay) {
    /** The defaults of {@code broker-defaults.properties}. */
    public static final Lockouts DEFAULTS = new Lockouts(LockoutPolicy.LOGIN, LockoutPolicy.JOIN_CODE, 100,
            Duration.ofMinutes(15), Duration.ofSeconds(60));

    public Lockouts {
        Objects.requireNonNull(login, "login");
        Objects.requireNonNull(joinCode, "joinCode");
        if (guardWrongCodes < 1 || guardWrongCodes > 1_000_000) {
            throw new IllegalArgumentException("join-code.guard.wrong-codes must be 1..1000000, was " + guardWrongCodes);
        }
        within("join-code.guard.window", guardWindow, Duration.ofMinutes(1), Duration.ofDays(1));
        within("join-code.guard.delay", guardDelay, Duration.ofSeconds(1), Duration.ofHours(1));
    }

    /**
     * A lockout policy from its three keys under {@code prefix} ({@code login.lockout}, {@code join-code.lockout});
     * a value {@link LockoutPolicy} refuses is reported with the prefix, so the message names the keys.
     */
    static LockoutPolicy policy(String prefix, int freeFailures, Duration first, Duration max) {
        try {
            return new LockoutPolicy(freeFailures, first, max, Duration.ofHours(24), 100_000);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + ".free-failures/.first/.max: " + e.getMessage()
                    .replace("freeFailures", prefix + ".free-failures").replace("firstLockout", prefix + ".first")
                    .replace("maxLockout", prefix + ".max"), e);
        }
    }

    private static void within(String key, Duration value, Duration min, Duration max) {
        Objects.requireNonNull(value, key + " is required");
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(key + " must be " + min + ".." + max + ", was " + value);
        }
    }
}
