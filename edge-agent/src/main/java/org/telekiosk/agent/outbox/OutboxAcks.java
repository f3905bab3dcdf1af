package org.telekiosk.agent.outbox;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.agent.uplink.Puback;
import org.telekiosk.agent.uplink.UplinkException;
import org.telekiosk.protocol.downlink.StoreAck;

/**
 * What each acknowledgement of a reading does to the {@link Outbox}, for the {@link OutboxSender}: a store-ack
 * quarantines what it names as refused and deletes what it covers; a PUBACK that says {@link Puback#STORED} (the
 * connection negotiated the PUBACK as the store acknowledgement, protocol/README.md) deletes its reading at once; a
 * plain one ({@link Puback#TAKEN}) only marks it sent in the {@link StoreAckWatch}; a refusal (PUBACK 0x80 or more,
 * 0x99 on a negotiated connection) quarantines it. The sender's thread only, except the counters.
 */
final class OutboxAcks {
    private static final Logger log = LoggerFactory.getLogger(OutboxAcks.class);

    private final Outbox outbox;
    private final StoreAckWatch storeAcks;
    private final LongSupplier nanoTime;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong deletedOnPuback = new AtomicLong();

    OutboxAcks(Outbox outbox, StoreAckWatch storeAcks, LongSupplier nanoTime) {
        this.outbox = outbox;
        this.storeAcks = storeAcks;
        this.nanoTime = nanoTime;
    }

    /** Readings the MQTT broker acknowledged (PUBACK below 0x80) since start. Any thread. */
    long acknowledged() {
        return acknowledged.get();
    }

    /** Readings deleted on their PUBACK ({@link Puback#STORED}) since start. Any thread. */
    long deletedOnPuback() {
        return deletedOnPuback.get();
    }

    /** Reading {@code seq}'s PUBACK came with a success reason code. */
    void pubacked(long seq, Puback what) {
        acknowledged.incrementAndGet();
        if (what == Puback.STORED) {
            // Sent after the broker's commit: as good as a store-ack covering it (and never waited for one).
            outbox.stored(seq);
            deletedOnPuback.incrementAndGet();
        } else {
            storeAcks.pubacked(seq, nanoTime.getAsLong());
        }
    }

    /**
     * The broker's store acknowledgement: quarantine what it names as refused, then delete what it covers; late,
     * repeated and older ones are ignored. The quarantine is queued before the delete, so the outbox's writer
     * applies it first.
     */
    void storeAcknowledged(StoreAck ack) {
        if (!storeAcks.isNewer(ack)) {
            return;
        }
        long through = ack.storedThrough();
        for (long seq : ack.refused()) {
            if (seq > storeAcks.storedThrough()) {
                outbox.quarantine(seq, "refused by the broker's store (store-ack)");
                log.warn("The broker refused reading {}; quarantined in the outbox, not sent again", seq);
            }
        }
        storeAcks.moved(through, nanoTime.getAsLong());
        outbox.storedThrough(through);
    }

    /** The broker refused reading {@code seq} with a PUBACK of 0x80 or more (not 0x97). */
    void refused(long seq, UplinkException failure) {
        // Sending it again would be refused again (MQTT 5 §3.4.2.1); kept on disk for a technician.
        outbox.quarantine(seq, "PUBACK: " + failure.getMessage());
        log.warn("The broker refused reading {}; quarantined in the outbox, not sent again: {}", seq,
                failure.getMessage());
    }
}
