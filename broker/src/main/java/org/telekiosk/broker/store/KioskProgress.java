package org.telekiosk.broker.store;

import java.util.List;
import org.telekiosk.protocol.KioskId;

/**
 * How complete the store's copy of one kiosk's readings is.
 *
 * @param kiosk      the kiosk
 * @param highest    the highest sequence number stored, 0 if none
 * @param contiguous the highest sequence number up to which every one is stored
 * @param gaps       the missing ranges below {@code highest}, lowest first, lost or not
 * @param refused    the kiosk's refused sequence numbers from the floor asked for, ascending (at most the number
 *                   asked for); they count as received in {@code highest}, {@code contiguous} and {@code gaps}
 */
public record KioskProgress(KioskId kiosk, long highest, long contiguous, List<Gap> gaps, List<Long> refused) {
    public KioskProgress {
        gaps = List.copyOf(gaps);
        refused = List.copyOf(refused);
    }

    /** Progress that lists no refused number. */
    public KioskProgress(KioskId kiosk, long highest, long contiguous, List<Gap> gaps) {
        this(kiosk, highest, contiguous, gaps, List.of());
    }
}
