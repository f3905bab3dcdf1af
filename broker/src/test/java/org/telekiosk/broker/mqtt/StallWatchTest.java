package org.telekiosk.broker.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StallWatchTest {
    private final StallWatch watch = new StallWatch(2);

    @Test
    void publishesComingInWithNothingDeliveredForTwoChecksInARowAreAStall() {
        assertEquals(0, watch.check(true, 100, 50));
        assertEquals(0, watch.check(true, 130, 50));

        assertEquals(20, watch.check(true, 150, 50));
    }

    @Test
    void anyDeliveryBetweenChecksStartsTheCountOver() {
        watch.check(true, 100, 50);
        watch.check(true, 130, 50);
        assertEquals(0, watch.check(true, 150, 51));

        assertEquals(0, watch.check(true, 170, 51));
        assertEquals(10, watch.check(true, 180, 51));
    }

    @Test
    void anIdleMqttBrokerIsNotAStall() {
        for (int i = 0; i < 5; i++) {
            assertEquals(0, watch.check(true, 100, 50));
        }
    }

    @Test
    void whileNotSubscribedNothingIsAStall() {
        watch.check(false, 100, 0);
        watch.check(false, 200, 0);
        assertEquals(0, watch.check(false, 300, 0));
    }

    @Test
    void afterAStallTheNextOneNeedsTwoChecksAgain() {
        watch.check(true, 100, 50);
        watch.check(true, 110, 50);
        assertEquals(10, watch.check(true, 120, 50));

        assertEquals(0, watch.check(true, 130, 50));
        assertEquals(10, watch.check(true, 140, 50));
    }

    @Test
    void fewerThanOneCheckIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new StallWatch(0));
    }
}
