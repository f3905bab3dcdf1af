package org.telekiosk.broker.viewer;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * What one viewer has been sent of one kiosk since it began to see it: whether the replay of the kiosk's latest values
 * has been made (until then the kiosk's live messages are not sent to the viewer, as the replay carries what they
 * left behind), and the newest reading sent of each (sensor, LOINC code), so that a reading reaches the viewer at most
 * once and never after a newer one of its sensor (the same reading from two nodes, a late one). Made by the
 * {@link CallIndex} when the viewer begins to see the kiosk, dropped when it stops; used only on the kiosk's lane of
 * the {@link FanOut}, so it needs no lock.
 */
final class KioskView {
    private record Shown(Instant takenAt, long seq) {}

    private boolean replayed;
    private final Map<String, Shown> newest = new HashMap<>(8);

    /** Whether the replay was made: live messages go to the viewer from then on. */
    boolean live() {
        return replayed;
    }

    void replayed() {
        replayed = true;
    }

    /**
     * Notes a reading of {@code key} (sensor and LOINC code) as sent and returns true, unless the viewer was sent one
     * as new: taken later, or at the same instant with the same or a higher number.
     */
    boolean takeReading(String key, Instant takenAt, long seq) {
        Shown last = newest.get(key);
        if (last != null && (takenAt.isBefore(last.takenAt()) || takenAt.equals(last.takenAt()) && seq <= last.seq())) {
            return false;
        }
        newest.put(key, new Shown(takenAt, seq));
        return true;
    }
}
