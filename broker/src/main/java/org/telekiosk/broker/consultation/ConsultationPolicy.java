package org.telekiosk.broker.consultation;

import java.time.Duration;
import java.util.Objects;

/**
 * Time limits of consultations. KBV Anlage 31b BMV-Ä (video consultations) limits a patient's access to one month;
 * the defaults are much shorter.
 *
 * @param accessWindow      from creation, how long patients can reach the consultation: (0, 30 days], default 24 h
 * @param codeLifetime      how long a join code is valid, never beyond the access window: (0, 30 days], default 24 h
 * @param seatGracePeriod   how long a patient whose connection dropped keeps their seat: [1 s, 10 min], default 60 s
 */
public record ConsultationPolicy(Duration accessWindow, Duration codeLifetime, Duration seatGracePeriod) {
    /** The legal upper bound of {@link #accessWindow} and {@link #codeLifetime}. */
    public static final Duration MAX_ACCESS = Duration.ofDays(30);
    public static final ConsultationPolicy DEFAULT = new ConsultationPolicy(Duration.ofHours(24),
            Duration.ofHours(24), Duration.ofSeconds(60));

    public ConsultationPolicy {
        requireWithin("accessWindow", accessWindow, Duration.ofSeconds(1), MAX_ACCESS);
        requireWithin("codeLifetime", codeLifetime, Duration.ofSeconds(1), MAX_ACCESS);
        requireWithin("seatGracePeriod", seatGracePeriod, Duration.ofSeconds(1), Duration.ofMinutes(10));
    }

    private static void requireWithin(String name, Duration value, Duration min, Duration max) {
        Objects.requireNonNull(value, name);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException("consultation " + name + " must be in [" + min + ", " + max
                    + "], was " + value);
        }
    }
}
