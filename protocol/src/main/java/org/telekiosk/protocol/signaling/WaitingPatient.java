package org.telekiosk.protocol.signaling;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Objects;

/**
 * One patient in the doctor's waiting room: their participant id (what {@code admit} names), the name shown, the
 * kiosk they sit at (empty when they joined from their own device), since when they wait, whether their socket is
 * connected now, their device's readiness (as the page reports it), their kiosk's sensors (as the kiosk reports
 * them) and, in protocol version 2, their page's pre-call check ({@link PreCallCheck#NOT_REPORTED} until it sent one).
 * {@code check} is null only in the version 1 form the broker sends to a version 1 doctor: there the field is left
 * out, as version 1 knows no such field (this module decodes version 2, where it is required).
 */
public record WaitingPatient(String participant, String name, String kiosk, Instant waitingSince, boolean connected,
        Readiness readiness, KioskSensors sensors, @JsonInclude(JsonInclude.Include.NON_NULL) PreCallCheck check) {
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

    /** The version 1 form: the same without the pre-call check. */
    public WaitingPatient asVersion1() {
        return new WaitingPatient(participant, name, kiosk, waitingSince, connected, readiness, sensors, null);
    }
}
