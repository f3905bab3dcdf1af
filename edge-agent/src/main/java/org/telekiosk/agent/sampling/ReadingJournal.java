package org.telekiosk.agent.sampling;

import java.io.IOException;
import java.util.function.LongFunction;
import org.telekiosk.agent.outbox.Outbox;
import org.telekiosk.protocol.telemetry.KioskMessage;

/**
 * Where the {@link ReadingOutlet} records readings: it hands out the kiosk's next sequence number and keeps the
 * reading made with it until the broker has it (the on-disk outbox, {@code Outbox}).
 */
@FunctionalInterface
public interface ReadingJournal {
    /**
     * Makes the reading with the next sequence number and takes it; returns quickly (no disk I/O on the caller's
     * thread beyond what the implementation documents).
     *
     * @throws IOException if no number can be handed out safely; nothing was taken
     */
    <T extends KioskMessage> T record(LongFunction<T> reading) throws IOException;
}
