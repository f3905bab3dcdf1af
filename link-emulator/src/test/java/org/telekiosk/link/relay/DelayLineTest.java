package org.telekiosk.link.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

class DelayLineTest {
    @Test
    void releasesByDueTimeAndEqualTimesInArrivalOrder() {
        DelayLine<String> line = new DelayLine<>(10);
        line.put(30, "c");
        line.put(10, "a");
        line.put(20, "b1");
        line.put(20, "b2");
        assertEquals(List.of(), line.pollDue(9));
        assertEquals(List.of("a", "b1", "b2"), line.pollDue(20));
        assertEquals(List.of("c"), line.pollDue(100));
    }

    @Test
    void aFullLineRefusesThePacket() {
        DelayLine<Integer> line = new DelayLine<>(2);
        line.put(1, 1);
        line.put(2, 2);
        assertFalse(line.put(3, 3));
        assertEquals(2, line.size());
    }
}
