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
 */
public record EnrollmentResponse(String kioskId, String certificateChain, String caCertificate, Instant notAfter,
        String mqttUri, String renewUrl) {
    public EnrollmentResponse {
        Objects.requireNonNull(kioskId, "kioskId");
        Objects.requireNonNull(certificateChain, "certificateChain");
        Objects.requireNonNull(caCertificate, "caCertificate");
        Objects.requireNonNull(notAfter, "notAfter");
        Objects.requireNonNull(mqttUri, "mqttUri");
        Objects.requireNonNull(renewUrl, "renewUrl");
    }
}
