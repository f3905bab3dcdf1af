package org.telekiosk.protocol.enrollment;

import java.time.Instant;
import java.util.Objects;

/**
 * Answer to a successful enrollment or renewal (JSON, 200).
 *
 * @param kioskId          the kiosk the certificate names (its MQTT client id and topic segment)
 * @param certificateChain PEM: the kiosk's certificate, then the issuing CA's certificate
 * @param caCertificate    PEM: the Telekiosk root CA, the trust anchor for the MQTT broker and for renewal
 * @param notAfter         when the kiosk's certificate expires
 * @param mqttUri          where to publish: {@code ssl://host:port}
 * @param renewUrl         where to renew over mutual TLS: {@code https://host:port/api/v1/renew}
 * @param nextSeq          the lowest sequence number the kiosk may give its next reading: one above every number the
 *                         broker has seen from this kiosk id, so that a kiosk enrolled again (a new disk, numbering
 *                         from 1) does not reuse the numbers of its readings already stored; at least 1. A kiosk
 *                         continues at its own next number or this, whichever is higher
 */
public record EnrollmentResponse(String kioskId, String certificateChain, String caCertificate, Instant notAfter,
        String mqttUri, String renewUrl, long nextSeq) {
    public EnrollmentResponse {
        if (nextSeq < 1) {
            throw new IllegalArgumentException("nextSeq must be at least 1, was " + nextSeq);
        }
        Objects.requireNonNull(kioskId, "kioskId");
        Objects.requireNonNull(certificateChain, "certificateChain");
        Objects.requireNonNull(caCertificate, "caCertificate");
        Objects.requireNonNull(notAfter, "notAfter");
        Objects.requireNonNull(mqttUri, "mqttUri");
        Objects.requireNonNull(renewUrl, "renewUrl");
    }
}
