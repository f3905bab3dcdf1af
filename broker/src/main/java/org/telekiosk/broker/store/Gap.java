package org.telekiosk.broker.store;

import java.time.Instant;
import java.util.Optional;

/**
 * Sequence numbers of one kiosk not received yet, though a higher one was.
 *
 * @param range    the missing sequence numbers
 * @param openedAt when the store first saw the gap (a split gap keeps the time of the gap it came from)
 * @param lostAt   when it was reported lost, or empty while it may still fill
 */
public record Gap(SeqRange range, Instant openedAt, Optional<Instant> lostAt) {
    public boolean isLost() {
        return lostAt.isPresent();
    }
}
