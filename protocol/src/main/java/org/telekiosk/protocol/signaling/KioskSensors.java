package org.telekiosk.protocol.signaling;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;
import org.telekiosk.protocol.telemetry.SensorHealth;

/**
 * The sensors of the kiosk a waiting patient sits at, as the kiosk itself last reported them in its MQTT status
 * ({@code telekiosk/v1/kiosks/{id}/status}), never as the page claims: each configured sensor with its state
 * (present, absent, faulty) and the detail why.
 *
 * @param source  whether there is a kiosk and a status at all
 * @param sensors the sensors of the last status; empty unless {@code source} is {@code reported}
 */
public record KioskSensors(Source source, List<SensorHealth> sensors) {
    public enum Source {
        /** The patient joined from a device that is no kiosk (a code on their own browser): no kiosk sensors. */
        @JsonProperty("no-kiosk")
        NO_KIOSK,
        /** The seat's kiosk has sent no status since the broker started. */
        @JsonProperty("not-reported")
        NOT_REPORTED,
        /** {@code sensors} is the kiosk's last status. */
        @JsonProperty("reported")
        REPORTED
    }

    /** A seat without a kiosk. */
    public static final KioskSensors NO_KIOSK = new KioskSensors(Source.NO_KIOSK, List.of());
    /** A seat at a kiosk that has not reported yet. */
    public static final KioskSensors NOT_REPORTED = new KioskSensors(Source.NOT_REPORTED, List.of());

    public KioskSensors {
        Objects.requireNonNull(source, "source");
        sensors = List.copyOf(Objects.requireNonNull(sensors, "sensors"));
        if (sensors.size() > 32) {
            throw new IllegalArgumentException("sensors must have at most 32 entries");
        }
        if (source != Source.REPORTED && !sensors.isEmpty()) {
            throw new IllegalArgumentException("sensors must be empty unless source is reported");
        }
    }

    /** What a kiosk's status said. */
    public static KioskSensors reported(List<SensorHealth> sensors) {
        return new KioskSensors(Source.REPORTED, sensors);
    }
}
