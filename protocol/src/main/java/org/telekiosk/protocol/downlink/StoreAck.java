package org.telekiosk.protocol.downlink;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.List;
import java.util.Objects;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.topic.Topics;

/**
 * The broker's end-to-end acknowledgement to one kiosk: <em>every reading of yours numbered {@code storedThrough} or
 * lower is in the measurement store, or was refused (and, if you may still hold it, is listed in {@code refused}), or
 * is below the oldest reading you said you still hold</em>. The kiosk quarantines every reading listed in {@code
 * refused} (keeps it aside, never sends it again, counts it as refused), then deletes every reading numbered {@code
 * storedThrough} or lower from its outbox, and only those; an MQTT PUBACK only says the MQTT broker took a reading,
 * which HiveMQ can forget when its process is killed.
 *
 * <p>The broker computes it from its gap tracking and the kiosk's {@link
 * KioskStatus#heldFrom() heldFrom}: a gap the kiosk can still fill (at or above
 * {@code heldFrom}) stops it, even after the gap was reported lost, so that the kiosk sends those readings again
 * rather than deleting them; a gap below {@code heldFrom} (readings the kiosk dropped itself, or numbers that were
 * never used) does not, so a real loss never holds the kiosk's outbox back. A refused reading fills its number (it
 * will never be stored; sending it again would be refused again), so it never stops the acknowledgement. Published
 * retained with QoS 0 on {@link Topics#acks}; never decreases for a kiosk, though a kiosk
 * may receive an older one (a retained message that outlived a broker crash) and keeps the highest it saw.
 *
 * <p>{@code refused} was added to the wire after {@code storedThrough}: it is left out when empty, and a store-ack
 * without it decodes with an empty list, so a kiosk that predates it keeps working while nothing is refused.
 *
 * @param kiosk         the kiosk; must equal the topic's kiosk
 * @param storedThrough 0 (nothing yet) or the highest sequence number so acknowledged
 * @param refused       the kiosk's refused sequence numbers at or above its {@code heldFrom} and at most {@code
 *                      storedThrough}, ascending, each once, at most {@value #MAX_REFUSED}
 */
@JsonDeserialize(using = StoreAckDeserializer.class)
public record StoreAck(KioskId kiosk, long storedThrough,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Long> refused) implements KioskDownlink {
    /** The most refused numbers one acknowledgement lists; the broker holds {@code storedThrough} below the next. */
    public static final int MAX_REFUSED = 256;

    public StoreAck {
        Objects.requireNonNull(kiosk, "kiosk");
        Objects.requireNonNull(refused, "refused");
        if (storedThrough < 0) {
            throw new IllegalArgumentException("storedThrough must not be negative, was " + storedThrough);
        }
        if (refused.size() > MAX_REFUSED) {
            throw new IllegalArgumentException("at most " + MAX_REFUSED + " refused numbers, listed " + refused.size());
        }
        long previous = 0;
        for (Long seq : refused) {
            Objects.requireNonNull(seq, "refused entry");
            if (seq <= previous || seq > storedThrough) {
                throw new IllegalArgumentException("refused numbers must be ascending, at least 1 and at most "
                        + "storedThrough (" + storedThrough + "), found " + seq + " after " + previous);
            }
            previous = seq;
        }
        refused = List.copyOf(refused);
    }

    /** An acknowledgement that names no refused reading. */
    public StoreAck(KioskId kiosk, long storedThrough) {
        this(kiosk, storedThrough, List.of());
    }
}
