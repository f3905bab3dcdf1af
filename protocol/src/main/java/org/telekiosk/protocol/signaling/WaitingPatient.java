package org.telekiosk.protocol.signaling;

import java.time.Instant;
import java.util.Objects;

/**
 * One patient in the doctor's waiting room: their participant id (what {@code admit} names), the name shown, the
 * kiosk they sit at (empty when they joined from their own device), since when they wait, whether their socket is
 * connected now, their device's readiness (as the page reports it) and their kiosk's sensors (as the kiosk reports
 * them).
 */
public record WaitingPatient(String participant, String name, String kiosk, Instant waitingSince, boolean connected,
        Readiness readiness, KioskSensors sensors) {
    public WaitingPatient {
        Fields.id("participant", participant);
        Fields.text("name", name, 1, 100, false);
        Fields.text("kiosk", kiosk, 0, 40, false);
        Objects.requireNonNull(waitingSince, "waitingSince");
        Objects.requireNonNull(readiness, "readiness");
        Objects.requireNonNull(sensors, "sensors");
        if (kiosk.isEmpty() != (sensors.source() == KioskSensors.Source.NO_KIOSK)) {
            throw new IllegalArgumentException("sensors.source is no-kiosk exactly when kiosk is empty");
        }
    }
}
