package org.telekiosk.broker.signaling;

import java.util.ArrayDeque;
import java.util.List;
import java.util.function.LongFunction;
import org.telekiosk.protocol.signaling.SignalEvent;

/** Numbers one participant's events and keeps the latest for a resume. Guarded by its room's lock. */
final class ReplayBuffer {
    private final int capacity;
    private final ArrayDeque<SignalEvent.Numbered> kept = new ArrayDeque<>();
    private long last;

    ReplayBuffer(int capacity) {
        this.capacity = capacity;
    }

    /** Numbers and keeps the event that {@code make} builds for the next number. */
    SignalEvent.Numbered push(LongFunction<SignalEvent.Numbered> make) {
        SignalEvent.Numbered event = make.apply(++last);
        kept.addLast(event);
        if (kept.size() > capacity) {
            kept.removeFirst();
        }
        return event;
    }

    /** The kept events after {@code seq}, oldest first (fewer if older ones were dropped). */
    List<SignalEvent.Numbered> after(long seq) {
        return kept.stream().filter(event -> event.seq() > seq).toList();
    }

    long last() {
        return last;
    }
}
