package org.telekiosk.broker.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.telekiosk.protocol.retry.ReconnectPolicy;

/**
 * The broker's MQTT client reconnects by the project's shared {@link ReconnectPolicy} with the bounds its own backoff
 * had: the n-th failure in a row waits between 125 ms and {@code min(15 s, 125 ms · 2^n)}.
 */
class BrokerMqttClientReconnectTest {
    @Test
    void theFirstRetryWaitsAQuarterSecondAtMostAndTheCeilingDoublesUpToFifteenSeconds() {
        ReconnectPolicy policy = Reconnects.policy(new SplittableRandom(7));
        long[] ceilings = {250, 500, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000};
        for (int failures = 0; failures < ceilings.length; failures++) {
            long highest = 0;
            for (int draw = 0; draw < 2_000; draw++) {
                long delay = policy.delayAfter(failures).toMillis();
                assertTrue(delay >= 125 && delay <= ceilings[failures], "after " + (failures + 1) + ": " + delay);
                highest = Math.max(highest, delay);
            }
            assertTrue(highest > ceilings[failures] * 9 / 10, "the jitter reaches up to the ceiling: " + highest);
        }
    }

    @Test
    void theJitterNeverGoesBelowTheFloor() {
        RandomGenerator lowest = () -> 0L;
        ReconnectPolicy policy = Reconnects.policy(lowest);
        for (int failures = 0; failures < 30; failures++) {
            assertEquals(Duration.ofMillis(125), policy.delayAfter(failures));
        }
    }
}
