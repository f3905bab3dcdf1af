package org.telekiosk.agent.sampling;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.agent.health.SensorHealthBoard;
import org.telekiosk.agent.sensor.FittedSensors;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.hx711.Hx711Scale;
import org.telekiosk.agent.sensor.simulation.SimulatedKiosk;
import org.telekiosk.agent.sensor.simulation.SimulatedPatient;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.SensorHealth;
import org.telekiosk.protocol.telemetry.SensorState;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/** The sampler's threads and schedules with every sensor of a simulated kiosk whose chips run in real time. */
class SamplerTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;

    private final List<KioskMessage> sent = new CopyOnWriteArrayList<>();
    private final SimulatedKiosk kiosk = new SimulatedKiosk(SimulatedSensors.ALL, SimulatedPatient.DEFAULT, 3);
    private final SensorHealthBoard health = new SensorHealthBoard(kiosk.kioskSensors().ids(), () -> { });
    private Sampler sampler;

    @BeforeEach
    void start() throws IOException {
        kiosk.startClock();
        ReadingOutlet outlet = new ReadingOutlet(KioskId.of("wmk-lab-03"), SequenceCounter.open(dataDir), sent::add);
        sampler = new Sampler(kiosk.kioskSensors(), outlet, health, Timeline.start(Clock.systemUTC(), System::nanoTime));
        sampler.start();
    }

    @AfterEach
    void stop() {
        sampler.close();
        kiosk.close();
    }

    private Map<SensorId, SensorState> states() {
        return health.snapshot().stream().collect(Collectors.toMap(SensorHealth::sensor, SensorHealth::state));
    }

    private long ecgBatches() {
        return sent.stream().filter(m -> m instanceof WaveformBatch w && w.sensor().equals(FittedSensors.ECG_ID))
                .count();
    }

    private boolean allPresent() {
        return health.allProbed() && states().values().stream().allMatch(SensorState.PRESENT::equals);
    }

    @Test
    void everySensorIsProbedAtStartAndEachStreamsOnItsOwnThread() {
        await().atMost(PATIENCE).until(this::allPresent);
        assertEquals(List.of("mlx90614", "hx711", "max30102", "ads1115", "bp-monitor"),
                kiosk.kioskSensors().ids().stream().map(SensorId::value).toList());

        await().atMost(PATIENCE).until(() -> sent.stream().anyMatch(m -> m instanceof WaveformBatch w
                && w.sensor().equals(FittedSensors.ECG_ID) && w.samples().size() == 250));
        await().atMost(PATIENCE).until(() -> sent.stream().anyMatch(m -> m instanceof Measurement r
                && r.loinc().equals(LoincCode.BODY_WEIGHT) && Math.abs(r.value() - 72) < 0.1));
        await().atMost(PATIENCE).until(() -> sent.stream().anyMatch(m -> m instanceof Measurement r
                && r.loinc().equals(LoincCode.BODY_TEMPERATURE) && Math.abs(r.value() - 36.8) <= 0.02));
    }

    @Test
    void aSensorUnpluggedGoesAbsentAndComesBackPresentWithoutARestartWhileTheOthersGoOn() {
        await().atMost(PATIENCE).until(this::allPresent);

        kiosk.unplug(Hx711Scale.DEFAULT_ID);
        await().atMost(PATIENCE).until(() -> states().get(Hx711Scale.DEFAULT_ID) == SensorState.ABSENT);
        long before = ecgBatches();
        await().atMost(PATIENCE).until(() -> ecgBatches() >= before + 2);
        assertEquals(SensorState.PRESENT, states().get(FittedSensors.ECG_ID));

        kiosk.plugIn(Hx711Scale.DEFAULT_ID);
        await().atMost(PATIENCE).until(this::allPresent);
    }

    @Test
    void bloodPressureOnRequestGivesFourMeasurementsWithTheirLoincCodesAndUnits() throws Exception {
        List<Measurement> measured = sampler.measureBloodPressure().get(10, TimeUnit.SECONDS);

        assertEquals(List.of(LoincCode.SYSTOLIC_PRESSURE, LoincCode.DIASTOLIC_PRESSURE, LoincCode.MEAN_PRESSURE,
                LoincCode.HEART_RATE), measured.stream().map(Measurement::loinc).toList());
        assertEquals(List.of(120.0, 80.0, 93.0, 72.0), measured.stream().map(Measurement::value).toList());
        assertEquals(List.of(UcumUnit.MM_HG, UcumUnit.MM_HG, UcumUnit.MM_HG, UcumUnit.PER_MINUTE),
                measured.stream().map(Measurement::unit).toList());
        assertTrue(measured.stream().allMatch(m -> m.sensor().equals(FittedSensors.BLOOD_PRESSURE_ID)));
        assertTrue(sent.containsAll(measured), "they are sent like every reading");
        assertEquals(1, measured.stream().map(Measurement::takenAt).distinct().count());
    }

    @Test
    void aBloodPressureMeasurementWithTheMonitorUnpluggedFailsWithNoAnswerAndMarksItAbsent() {
        kiosk.unplug(FittedSensors.BLOOD_PRESSURE_ID);

        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> sampler.measureBloodPressure().get(10, TimeUnit.SECONDS));

        SensorException cause = assertInstanceOf(SensorException.class, failure.getCause());
        assertEquals(SensorException.Kind.NO_ANSWER, cause.kind());
        assertEquals(SensorState.ABSENT, states().get(FittedSensors.BLOOD_PRESSURE_ID));
    }
}
