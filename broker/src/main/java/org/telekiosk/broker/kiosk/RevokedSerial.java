package org.telekiosk.broker.kiosk;

import java.time.Instant;
import java.util.Objects;

/**
 * A certificate that must no longer be accepted: revoked with its kiosk, or superseded by a renewal. Listed in the
 * CRL until it expires.
 *
 * @param serial   hex serial number
 * @param kiosk    whose it was
 * @param at       when it stopped being trusted
 * @param notAfter when it expires anyway (after that it leaves the CRL)
 * @param reason   {@code revoked} or {@code superseded}
 */
public record RevokedSerial(String serial, String kiosk, Instant at, Instant notAfter, String reason) {
    public RevokedSerial {
        Objects.requireNonNull(serial, "serial");
        Objects.requireNonNull(kiosk, "kiosk");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(notAfter, "notAfter");
        Objects.requireNonNull(reason, "reason");
    }
}
