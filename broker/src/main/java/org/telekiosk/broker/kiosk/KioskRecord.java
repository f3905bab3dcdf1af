package org.telekiosk.broker.kiosk;

import java.time.Instant;
import java.util.Objects;

/**
 * What the broker knows of one kiosk (a row of table {@code kiosk}).
 *
 * @param id        the kiosk id (also its certificate's CN and MQTT client id)
 * @param label     the technician's name for it ("Lab room 3, Wismar")
 * @param serial    serial number (hex) of its current certificate; empty before its first enrollment
 * @param notAfter  when that certificate expires; null before its first enrollment
 * @param revokedAt when a technician revoked it; null while trusted
 */
public record KioskRecord(String id, String label, String serial, Instant notAfter, Instant revokedAt) {
    public KioskRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(serial, "serial");
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean revoked() {
        return revokedAt != null;
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean enrolled() {
        return !serial.isEmpty();
    }
}
