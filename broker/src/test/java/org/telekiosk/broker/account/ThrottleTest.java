package org.telekiosk.broker.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.testing.MutableClock;

class ThrottleTest {
    final MutableClock clock = MutableClock.startingAt("2026-03-02T08:00:00Z");
    final LockoutPolicy policy = new LockoutPolicy(5, Duration.ofSeconds(30), Duration.ofMinutes(15),
            Duration.ofHours(24), 1000);
    final FailureThrottle<String> throttle = new FailureThrottle<>(clock, policy);

    @Test
    void fourFailuresCostNothingAndTheFifthLocksForThirtySeconds() {
        failTimes(4);
        assertEquals(Optional.empty(), throttle.retryAfter("k"));
        throttle.recordFailure("k");
        assertEquals(Optional.of(Duration.ofSeconds(30)), throttle.retryAfter("k"));
        clock.advance(Duration.ofSeconds(10));
        assertEquals(Optional.of(Duration.ofSeconds(20)), throttle.retryAfter("k"), "retry-after counts down");
        clock.advance(Duration.ofSeconds(20));
        assertEquals(Optional.empty(), throttle.retryAfter("k"));
    }

    @Test
    void eachFurtherFailureDoublesTheLockoutUpToItsCap() {
        failTimes(5);
        clock.advance(Duration.ofSeconds(30));
        throttle.recordFailure("k");
        assertEquals(Optional.of(Duration.ofSeconds(60)), throttle.retryAfter("k"));
        failTimes(10);
        assertEquals(Optional.of(Duration.ofMinutes(15)), throttle.retryAfter("k"));
    }

    @Test
    void keysAreIndependentAndAResetForgetsOne() {
        failTimes(5);
        assertEquals(Optional.empty(), throttle.retryAfter("other"));
        throttle.reset("k");
        assertEquals(Optional.empty(), throttle.retryAfter("k"));
        throttle.recordFailure("k");
        assertEquals(Optional.empty(), throttle.retryAfter("k"), "counting starts again");
    }

    @Test
    void failuresAreForgottenAfterAQuietDay() {
        failTimes(4);
        clock.advance(Duration.ofHours(24));
        throttle.recordFailure("k");
        assertEquals(Optional.empty(), throttle.retryAfter("k"), "this is failure one again, not five");
    }

    @Test
    void theNumberOfTrackedKeysIsBoundedByEvictingTheStalest() {
        FailureThrottle<String> small = new FailureThrottle<>(clock,
                new LockoutPolicy(1, Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofHours(1), 2));
        small.recordFailure("a");
        small.recordFailure("b");
        small.recordFailure("c");
        assertEquals(Optional.empty(), small.retryAfter("a"));
        assertEquals(Optional.of(Duration.ofMinutes(1)), small.retryAfter("c"));
    }

    @Test
    void aSlidingWindowAllowsItsQuotaAndThenSaysWhenTheOldestEventLeavesIt() {
        SlidingWindowLimit limit = new SlidingWindowLimit(clock, 3, Duration.ofMinutes(10));
        limit.record();
        clock.advance(Duration.ofMinutes(2));
        limit.record();
        limit.record();
        assertEquals(Optional.of(Duration.ofMinutes(8)), limit.retryAfter());
        clock.advance(Duration.ofMinutes(8));
        assertEquals(Optional.empty(), limit.retryAfter());
    }

    @Test
    void inconsistentPoliciesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LockoutPolicy(0, Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1), 1));
        assertThrows(IllegalArgumentException.class, () -> new LockoutPolicy(5, Duration.ofMinutes(1),
                Duration.ofMinutes(10), Duration.ofMinutes(5), 1));
    }

    @Test
    void anIpv6ClientIsKeyedByItsSlash64SoItCannotRotateThroughItsOwnAddresses() {
        assertEquals(ClientAddress.parse("2001:db8:1:2::1"), ClientAddress.parse("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        assertEquals("2001:db8:1:2:0:0:0:0/64", ClientAddress.parse("2001:db8:1:2::1").value());
        assertEquals("192.0.2.7", ClientAddress.parse("192.0.2.7").value());
        assertThrows(IllegalArgumentException.class, () -> ClientAddress.parse("kiosk.example"));
    }

    private void failTimes(int n) {
        for (int i = 0; i < n; i++) {
            throttle.recordFailure("k");
        }
    }
}
