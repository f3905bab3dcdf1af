package org.telekiosk.broker.enrollment;

import java.time.Duration;
import java.util.Objects;

/**
 * @param tokenLifetime       how long a new token stays valid ({@code enrollment.token-lifetime}, default 24 h)
 * @param certificateLifetime how long a kiosk certificate is valid ({@code enrollment.certificate-lifetime},
 *                            default 30 days)
 * @param mqttUri             what enrolled kiosks connect to, {@code ssl://host:port}
 * @param renewUrl            where they renew, {@code https://host:port/api/v1/renew}
 */
public record EnrollmentSettings(Duration tokenLifetime, Duration certificateLifetime, String mqttUri,
        String renewUrl) {
    public EnrollmentSettings {
        Objects.requireNonNull(mqttUri, "mqttUri");
        Objects.requireNonNull(renewUrl, "renewUrl");
        if (tokenLifetime.compareTo(Duration.ofMinutes(5)) < 0 || tokenLifetime.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("enrollment.token-lifetime must be PT5M..P30D, was " + tokenLifetime);
        }
        if (certificateLifetime.compareTo(Duration.ofHours(1)) < 0
                || certificateLifetime.compareTo(Duration.ofDays(397)) > 0) {
            throw new IllegalArgumentException("enrollment.certificate-lifetime must be PT1H..P397D, was "
                    + certificateLifetime);
        }
    }
}
