package org.telekiosk.protocol.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {
    private static final Duration MIN = Duration.ofSeconds(1);
    private static final Duration MAX = Duration.ofSeconds(60);

    /** Always draws the same fraction of the range: 0 gives the lowest value, 1 the highest. */
    private record Fraction(double fraction) implements RandomGenerator {
        @Override
        public long nextLong() {
            throw new UnsupportedOperationException("only bounded draws are expected");
        }

        @Override
        public long nextLong(long bound) {
            return Math.round(fraction * (bound - 1));
        }
    }

    @Test
    void theCeilingStartsAtTwiceMinAndDoublesWithEachFailureUntilItReachesMax() {
        ReconnectPolicy policy = new ReconnectPolicy(MIN, MAX, new Fraction(1));

        assertEquals(2_000, policy.ceilingMillis(0));
        assertEquals(4_000, policy.ceilingMillis(1));
        assertEquals(8_000, policy.ceilingMillis(2));
        assertEquals(32_000, policy.ceilingMillis(4));
        assertEquals(60_000, policy.ceilingMillis(5));
        assertEquals(60_000, policy.ceilingMillis(6));
    }

    @Test
    void theDelayIsDrawnFromMinUpToTheCeilingInclusive() {
        ReconnectPolicy lowest = new ReconnectPolicy(MIN, MAX, new Fraction(0));
        ReconnectPolicy highest = new ReconnectPolicy(MIN, MAX, new Fraction(1));
        ReconnectPolicy middle = new ReconnectPolicy(MIN, MAX, new Fraction(0.5));

        assertEquals(Duration.ofSeconds(1), lowest.delayAfter(3));
        assertEquals(Duration.ofSeconds(16), highest.delayAfter(3));
        assertEquals(Duration.ofMillis(8_500), middle.delayAfter(3));
    }

    @Test
    void neverWaitsLessThanMinSoARefusedKioskCannotHammerTheBroker() {
        ReconnectPolicy policy = new ReconnectPolicy(MIN, MAX, new SplittableRandom(1));

        for (int failures = 0; failures < 10_000; failures++) {
            Duration delay = policy.delayAfter(failures % 40);
            assertTrue(delay.compareTo(MIN) >= 0, "delay " + delay + " after " + failures % 40 + " failures");
            assertTrue(delay.toMillis() <= policy.ceilingMillis(failures % 40));
        }
    }

    @Test
    void theJitterSpreadsAFleetThatLostTheBrokerAtTheSameMoment() {
        Set<Duration> firstRetries = new HashSet<>();
        for (int kiosk = 0; kiosk < 100; kiosk++) {
            firstRetries.add(new ReconnectPolicy(MIN, MAX, new SplittableRandom(kiosk)).delayAfter(0));
        }
        assertTrue(firstRetries.size() > 90, "only " + firstRetries.size() + " distinct first delays of 100");
    }

    @Test
    void anyNumberOfFailuresStaysAtMaxWithoutOverflowing() {
        ReconnectPolicy policy = new ReconnectPolicy(MIN, MAX, new Fraction(1));

        assertEquals(MAX, policy.delayAfter(Integer.MAX_VALUE));
        assertEquals(Duration.ofDays(365),
                new ReconnectPolicy(Duration.ofMillis(1), Duration.ofDays(365), new Fraction(1)).delayAfter(1_000));
    }

    @Test
    void minEqualToMaxGivesAFixedDelay() {
        ReconnectPolicy policy = new ReconnectPolicy(MIN, MIN, new Fraction(1));

        assertEquals(MIN, policy.delayAfter(0));
        assertEquals(MIN, policy.delayAfter(20));
    }

    @Test
    void aMaxBelowMinOrAMinBelowOneMillisecondIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ReconnectPolicy(MAX, MIN, new Fraction(0)));
        assertThrows(IllegalArgumentException.class,
                () -> new ReconnectPolicy(Duration.ZERO, MAX, new Fraction(0)));
        assertThrows(IllegalArgumentException.class,
                () -> new ReconnectPolicy(MIN, MAX, new Fraction(0)).delayAfter(-1));
    }
}
