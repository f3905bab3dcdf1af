package org.telekiosk.agent.sensor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.telekiosk.agent.sensor.bloodpressure.BloodPressureMonitor;
import org.telekiosk.agent.sensor.ecg.EcgMonitor;
import org.telekiosk.agent.sensor.max30102.PulseOximeter;
import org.telekiosk.protocol.SensorId;

/**
 * The sensors a kiosk has, each with its schedule, as the sampler takes them: spot sensors read periodically,
 * continuous signals polled at their rate, and the blood-pressure monitor, which measures on request. Made by
 * {@link SensorWiring} from the configuration, on a Pi or against simulated chips.
 *
 * @param spot          temperature, weight: read every {@link Spot#interval()}
 * @param ecg           the ECG, if fitted
 * @param oximeter      the pulse oximeter, if fitted
 * @param bloodPressure the blood-pressure monitor, if fitted
 */
public record FittedSensors(List<Spot> spot, Optional<Ecg> ecg, Optional<Oximeter> oximeter,
        Optional<BloodPressure> bloodPressure) {

    /** The ECG's sensor id: the ADC that converts it, as the protocol names it. */
    public static final SensorId ECG_ID = SensorId.of("ads1115");
    /** The pulse oximeter's sensor id. */
    public static final SensorId OXIMETER_ID = SensorId.of("max30102");
    /** The blood-pressure monitor's sensor id. */
    public static final SensorId BLOOD_PRESSURE_ID = SensorId.of("bp-monitor");

    /** A spot sensor and how often it is read. */
    public record Spot(ScalarSensor sensor, Duration interval) {
        public Spot {
            Objects.requireNonNull(sensor, "sensor");
            Objects.requireNonNull(interval, "interval");
        }
    }

    /** The ECG, its batch length and how often its heart rate is sent. */
    public record Ecg(EcgMonitor monitor, Duration batch, Duration heartRateInterval) {}

    /**
     * The pulse oximeter.
     *
     * @param sampleRate     its FIFO output rate, samples per second
     * @param pollInterval   how often its FIFO is emptied
     * @param batch          how much pleth one batch carries
     * @param resultInterval how often SpO2 and pulse are sent
     */
    public record Oximeter(PulseOximeter oximeter, double sampleRate, Duration pollInterval, Duration batch,
            Duration resultInterval) {}

    /** The blood-pressure monitor and how often its status is checked between measurements. */
    public record BloodPressure(BloodPressureMonitor monitor, Duration checkInterval) {}

    public FittedSensors {
        spot = List.copyOf(spot);
        Objects.requireNonNull(ecg, "ecg");
        Objects.requireNonNull(oximeter, "oximeter");
        Objects.requireNonNull(bloodPressure, "bloodPressure");
        if (ids(spot, ecg, oximeter, bloodPressure).stream().distinct().count()
                != ids(spot, ecg, oximeter, bloodPressure).size()) {
            throw new IllegalArgumentException("sensor ids must be unique: " + ids(spot, ecg, oximeter, bloodPressure));
        }
    }

    /** Spot sensors only, all read every {@code interval}: the walking skeleton's kiosk. */
    public static FittedSensors spotOnly(List<ScalarSensor> sensors, Duration interval) {
        return new FittedSensors(sensors.stream().map(s -> new Spot(s, interval)).toList(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    /** Every sensor's id, in the order status messages list them. */
    public List<SensorId> ids() {
        return ids(spot, ecg, oximeter, bloodPressure);
    }

    private static List<SensorId> ids(List<Spot> spot, Optional<Ecg> ecg, Optional<Oximeter> oximeter,
            Optional<BloodPressure> bloodPressure) {
        List<SensorId> ids = new ArrayList<>();
        spot.forEach(s -> ids.add(s.sensor().id()));
        oximeter.ifPresent(o -> ids.add(OXIMETER_ID));
        ecg.ifPresent(e -> ids.add(ECG_ID));
        bloodPressure.ifPresent(b -> ids.add(BLOOD_PRESSURE_ID));
        return ids;
    }
}
