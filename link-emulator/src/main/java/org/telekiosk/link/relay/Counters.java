package org.telekiosk.link.relay;

import java.util.concurrent.atomic.AtomicLong;
import org.telekiosk.link.profile.Direction;

/** What a relay did per direction: packets (or chunks) that arrived, were passed on, were lost. */
public final class Counters {
    private final AtomicLong[] passed = {new AtomicLong(), new AtomicLong()};
    private final AtomicLong[] lost = {new AtomicLong(), new AtomicLong()};
    private final AtomicLong[] arrived = {new AtomicLong(), new AtomicLong()};

    private final AtomicLong[] bytes = {new AtomicLong(), new AtomicLong()};

    void bytes(Direction direction, int count) {
        bytes[direction.ordinal()].addAndGet(count);
    }

    /** Payload bytes passed on in {@code direction} (TCP: the stream's bytes; UDP: the datagrams'). */
    public long bytesCount(Direction direction) {
        return bytes[direction.ordinal()].get();
    }

    void arrived(Direction direction) {
        arrived[direction.ordinal()].incrementAndGet();
    }

    /** Packets (chunks) the relay received in {@code direction}, whatever became of them. */
    public long arrivedCount(Direction direction) {
        return arrived[direction.ordinal()].get();
    }

    void passed(Direction direction) {
        passed[direction.ordinal()].incrementAndGet();
    }

    void lost(Direction direction) {
        lost[direction.ordinal()].incrementAndGet();
    }

    public long lostCount(Direction direction) {
        return lost[direction.ordinal()].get();
    }

    public long passedCount(Direction direction) {
        return passed[direction.ordinal()].get();
    }

    @Override
    public String toString() {
        return "up " + passed[0] + " passed / " + lost[0] + " lost, down " + passed[1] + " passed / " + lost[1]
                + " lost";
    }
}
