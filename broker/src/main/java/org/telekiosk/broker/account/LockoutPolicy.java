package org.telekiosk.broker.account;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link FailureThrottle} answers repeated failures (OWASP Authentication Cheat Sheet, "Account Lockout"):
 * the first {@code freeFailures - 1} failures cost nothing; failure number {@code freeFailures} locks the key for
 * {@code firstLockout}, and each further failure doubles it, up to {@code maxLockout}. A key is forgotten when it
 * has been quiet for {@code forgetAfter} and is not locked. At most {@code maxTrackedKeys} keys are held; the one
 * that failed longest ago goes first.
 */
public record LockoutPolicy(int freeFailures, Duration firstLockout, Duration maxLockout, Duration forgetAfter,
        int maxTrackedKeys) {
    /** For logins, per login name and per client address: 5 failures, then 30 s, doubling to 15 min. */
    public static final LockoutPolicy LOGIN = new LockoutPolicy(5, Duration.ofSeconds(30), Duration.ofMinutes(15),
            Duration.ofHours(24), 100_000);
    /**
     * For join codes per client address: 10 wrong codes, then 30 s, doubling to 10 min. A right code forgets the
     * address's failures, so a kiosk shared by many patients who mistype is locked only after 10 wrong codes in a
     * row, and then for 30 s (docs/security.md).
     */
    public static final LockoutPolicy JOIN_CODE = new LockoutPolicy(10, Duration.ofSeconds(30),
            Duration.ofMinutes(10), Duration.ofHours(24), 100_000);

    public LockoutPolicy {
        Objects.requireNonNull(firstLockout, "firstLockout");
        Objects.requireNonNull(maxLockout, "maxLockout");
        Objects.requireNonNull(forgetAfter, "forgetAfter");
        if (freeFailures < 1 || freeFailures > 100) {
            throw new IllegalArgumentException("freeFailures must be in [1, 100], was " + freeFailures);
        }
        if (firstLockout.isNegative() || firstLockout.isZero() || firstLockout.compareTo(maxLockout) > 0) {
            throw new IllegalArgumentException("firstLockout must be positive and at most maxLockout");
        }
        if (maxLockout.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("maxLockout must be at most one day, was " + maxLockout);
        }
        if (forgetAfter.compareTo(maxLockout) < 0) {
            throw new IllegalArgumentException("forgetAfter must be at least maxLockout");
        }
        if (maxTrackedKeys < 1) {
            throw new IllegalArgumentException("maxTrackedKeys must be positive, was " + maxTrackedKeys);
        }
    }

    /** How long failure number {@code failures} locks the key (zero below the threshold). */
    Duration lockoutAfter(int failures) {
        int doublings = failures - freeFailures;
        if (doublings < 0) {
            return Duration.ZERO;
        }
        if (doublings >= 30) {
            return maxLockout;
        }
        Duration lockout = firstLockout.multipliedBy(1L << doublings);
        return lockout.compareTo(maxLockout) > 0 ? maxLockout : lockout;
    }
}
