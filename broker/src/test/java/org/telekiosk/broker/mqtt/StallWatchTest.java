package org.telekiosk.broker.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StallWatchTest {
    private final StallWatch watch = new StallWatch(2);

    @Test
    void publishesComingInWithNothingDeliveredForTwoChecksInARowAreAStall() {
        assertEquals(0, watch.check(true, 100, 50, 0));
        assertEquals(0, watch.check(true, 130, 50, 0));

        assertEquals(20, watch.check(true, 150, 50, 0));
    }

    @Test
    void anyDeliveryBetweenChecksStartsTheCountOver() {
        watch.check(true, 100, 50, 0);
        watch.check(true, 130, 50, 0);
        assertEquals(0, watch.check(true, 150, 51, 0));

        assertEquals(0, watch.check(true, 170, 51, 0));
        assertEquals(10, watch.check(true, 180, 51, 0));
    }

    @Test
    void anIdleMqttBrokerIsNotAStall() {
        for (int i = 0; i < 5; i++) {
            assertEquals(0, watch.check(true, 100, 50, 0));
        }
    }

    @Test
    void whileNotSubscribedNothingIsAStall() {
        watch.check(false, 100, 0, 0);
        watch.check(false, 200, 0, 0);
        assertEquals(0, watch.check(false, 300, 0, 0));
    }

    @Test
    void afterAStallTheNextOneNeedsTwoChecksAgain() {
        watch.check(true, 100, 50, 0);
        watch.check(true, 110, 50, 0);
        assertEquals(10, watch.check(true, 120, 50, 0));

        assertEquals(0, watch.check(true, 130, 50, 0));
        assertEquals(10, watch.check(true, 140, 50, 0));
    }

    @Test
    void fewerThanOneCheckIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new StallWatch(0));
    }

    @Test
    void messagesHeldUnacknowledgedAreNoStallHoweverLongTheStoreTakes() {
        watch.check(true, 100, 50, 0);
        for (int i = 1; i <= 5; i++) {
            assertEquals(0, watch.check(true, 100 + 10 * i, 50, 1000), "HiveMQ waits for our acknowledgements");
        }
        assertEquals(0, watch.check(true, 170, 50, 0));
        assertEquals(10, watch.check(true, 180, 50, 0));
    }
}
