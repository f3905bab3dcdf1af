package org.telekiosk.hardware.load;

import java.util.concurrent.atomic.LongAdder;

/** What the {@link LoadGenerator}'s kiosks published and what came back for it, summed over the kiosks. */
final class ReadingCounters {
    final LongAdder published = new LongAdder();
    /** Not admitted by a full in-flight window: not numbered (an agent keeps them in its outbox). */
    final LongAdder refusedByWindow = new LongAdder();
    /** Admitted, then failed (PUBACK of 0x80 or more, or the connection lost first). */
    final LongAdder failed = new LongAdder();
    final LongAdder pubacked = new LongAdder();
    /** Readings whose PUBACK was their store acknowledgement (the broker granted telekiosk-ack=puback). */
    final LongAdder storedByPuback = new LongAdder();
    final LongAdder statuses = new LongAdder();
    /** Measurement commands that arrived (a redelivered one again) and the command updates PUBACKed: {@link LoadCommands}. */
    final LongAdder commands = new LongAdder();
    final LongAdder commandUpdates = new LongAdder();
}
