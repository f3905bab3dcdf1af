package org.telekiosk.protocol.downlink;

import java.util.Objects;
import org.telekiosk.protocol.KioskId;

/**
 * The broker's end-to-end acknowledgement to one kiosk: <em>every reading of yours numbered {@code storedThrough} or
 * lower is either in the measurement store or below the oldest reading you said you still hold</em>. The kiosk may
 * delete every reading numbered {@code storedThrough} or lower from its outbox, and only those; an MQTT PUBACK only
 * says the MQTT broker took a reading, which HiveMQ can forget when its process is killed.
 *
 * <p>The broker computes it from its gap tracking and the kiosk's {@link
 * org.telekiosk.protocol.telemetry.KioskStatus#heldFrom() heldFrom}: a gap the kiosk can still fill (at or above
 * {@code heldFrom}) stops it, even after the gap was reported lost, so that the kiosk sends those readings again
 * rather than deleting them; a gap below {@code heldFrom} (readings the kiosk dropped itself, or numbers that were
 * never used) does not, so a real loss never holds the kiosk's outbox back. Published retained with QoS 0 on
 * {@link org.telekiosk.protocol.topic.Topics#acks}; never decreases for a kiosk, though a kiosk may receive an older
 * one (a retained message that outlived a broker crash) and keeps the highest it saw.
 *
 * @param kiosk         the kiosk; must equal the topic's kiosk
 * @param storedThrough 0 (nothing yet) or the highest sequence number so acknowledged
 */
public record StoreAck(KioskId kiosk, long storedThrough) implements KioskDownlink {
    public StoreAck {
        Objects.requireNonNull(kiosk, "kiosk");
        if (storedThrough < 0) {
            throw new IllegalArgumentException("storedThrough must not be negative, was " + storedThrough);
        }
    }
}
