package org.telekiosk.broker.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AckLineTest {
    private final List<Integer> acked = new ArrayList<>();
    private final AtomicInteger failures = new AtomicInteger();
    private final AckLine line = new AckLine((id, qos) -> acked.add(id), failures::incrementAndGet);

    @Test
    void aMessageIsAcknowledgedOnlyOnceItAndEveryEarlierOneIsTakenCareOf() {
        AckLine.Slot one = line.arrived(1, 1);
        AckLine.Slot two = line.arrived(2, 1);
        AckLine.Slot three = line.arrived(3, 1);

        three.complete(null);
        two.complete(null);
        assertEquals(List.of(), acked);

        one.complete(null);
        assertEquals(List.of(1, 2, 3), acked);
        assertEquals(3, line.acknowledgedCount());
    }

    @Test
    void aFailedMessageAndEverythingBehindItStayUnacknowledgedAndTheConnectionIsDropped() {
        AckLine.Slot one = line.arrived(1, 1);
        AckLine.Slot two = line.arrived(2, 1);
        AckLine.Slot three = line.arrived(3, 1);

        one.complete(null);
        two.complete(new IllegalStateException("disk full"));
        three.complete(null);

        assertEquals(List.of(1), acked);
        assertEquals(1, failures.get());
        assertEquals(0, line.waiting());
    }

    @Test
    void completionsFromAnEarlierConnectionAreIgnoredBecausePacketIdsAreReused() {
        AckLine.Slot old = line.arrived(7, 1);
        line.newConnection();
        AckLine.Slot fresh = line.arrived(7, 1);

        old.complete(null);
        assertEquals(List.of(), acked);
        fresh.complete(null);
        assertEquals(List.of(7), acked);
    }

    @Test
    void aQos0MessageTakesItsPlaceInLineButIsNeverAcknowledged() {
        AckLine.Slot zero = line.arrived(0, 0);
        AckLine.Slot one = line.arrived(4, 1);

        one.complete(null);
        zero.complete(null);

        assertEquals(List.of(4), acked);
    }

    @Test
    void aDrainWaitsUntilEverythingInLineIsAcknowledgedAndNoLonger() throws Exception {
        AckLine.Slot one = line.arrived(1, 1);
        AckLine.Slot two = line.arrived(2, 1);
        one.complete(null);
        assertEquals(false, line.awaitEmpty(java.time.Duration.ZERO), "the second is still being stored");

        var done = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return line.awaitEmpty(java.time.Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        two.complete(null); // the store committed it: acknowledged, the line is empty, the waiter wakes up
        assertEquals(true, done.get(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(List.of(1, 2), acked);
    }

    @Test
    void aDrainDoesNotWaitForWhatALostConnectionHeld() throws Exception {
        line.arrived(1, 1);
        line.newConnection(); // it comes again on the next connection, or to another node of the group
        assertEquals(true, line.awaitEmpty(java.time.Duration.ZERO));
    }
}
