package org.telekiosk.broker.enrollment;

import org.telekiosk.broker.kiosk.KioskRecord;
import org.telekiosk.protocol.KioskId;

/**
 * Whether a client certificate presented over mutual TLS is the current certificate of an enrolled kiosk that is
 * in service: the kiosk it names, or why not (a {@link Refused} to answer as problem+json, already audited).
 */
public sealed interface KioskCertificateCheck permits KioskCertificateCheck.Valid, Refused {
    /** The certificate is {@code kiosk}'s current one, from our CA, within its validity, and the kiosk not revoked. */
    record Valid(KioskId kiosk, KioskRecord record) implements KioskCertificateCheck {}
}
