package org.telekiosk.broker.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The broker's MQTT client waits longer after each failure in a row, never past the maximum, and starts over. */
class BackoffTest {
    /** A generator that always answers {@code value} from nextDouble. */
    static RandomGenerator always(double value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return value;
            }
        };
    }

    @Test
    void theCeilingDoublesWithEachFailureUpToTheMaximum() {
        Backoff backoff = new Backoff(250, 15_000, always(1.0));
        assertEquals(250, backoff.next());
        assertEquals(500, backoff.next());
        assertEquals(1_000, backoff.next());
        assertEquals(2_000, backoff.next());
        for (int i = 0; i < 30; i++) {
            assertTrue(backoff.next() <= 15_000);
        }
        assertEquals(15_000, backoff.next());
    }

    @Test
    void theJitterNeverGoesBelowHalfTheMinimum() {
        Backoff backoff = new Backoff(250, 15_000, always(0.0));
        for (int i = 0; i < 25; i++) {
            assertEquals(125, backoff.next());
        }
    }

    @Test
    void aSuccessStartsOverFromTheMinimum() {
        Backoff backoff = new Backoff(250, 15_000, always(1.0));
        backoff.next();
        backoff.next();
        backoff.next();
        backoff.reset();
        assertEquals(250, backoff.next());
    }

    @Test
    void boundsThatCannotWorkAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(1, 10, always(0.5)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(500, 100, always(0.5)));
    }
}
