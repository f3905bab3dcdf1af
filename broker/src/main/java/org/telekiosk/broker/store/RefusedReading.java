package org.telekiosk.broker.store;

import java.util.Objects;
import org.telekiosk.protocol.KioskId;

/**
 * A payload on a kiosk's measurements topic that names a sequence number but is no valid reading.
 *
 * @param kiosk   the kiosk of the topic it came on (the MQTT broker let only that kiosk publish there)
 * @param seq     the number it named, at least 1
 * @param reason  the refusal code, e.g. {@code invalid-field}
 * @param detail  what was wrong, one line
 * @param payload the payload as it came
 */
public record RefusedReading(KioskId kiosk, long seq, String reason, String detail, byte[] payload) {
    public RefusedReading {
        Objects.requireNonNull(kiosk, "kiosk");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(payload, "payload");
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be at least 1, was " + seq);
        }
        detail = detail.length() > 500 ? detail.substring(0, 500) : detail;
    }
}
