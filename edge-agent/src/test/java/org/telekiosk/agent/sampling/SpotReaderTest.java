package org.telekiosk.agent.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.agent.health.SensorHealthBoard;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.testing.LogCapture;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.SensorState;

class SpotReaderTest {
    private static final KioskId KIOSK = KioskId.of("wmk-lab-03");

    @TempDir
    Path dataDir;

    private final List<KioskMessage> sent = new CopyOnWriteArrayList<>();
    private final FakeTime time = new FakeTime();
    private SequenceCounter sequence;
    private ReadingOutlet outlet;

    @BeforeEach
    void openSequence() throws IOException {
        sequence = SequenceCounter.open(dataDir);
        outlet = new ReadingOutlet(KIOSK, sequence, sent::add);
    }

    private SensorHealthBoard board(FakeSensor... sensors) {
        return new SensorHealthBoard(List.of(sensors).stream().map(FakeSensor::id).toList(), () -> { });
    }

    private static SensorException noAnswer() {
        return new SensorException(SensorException.Kind.NO_ANSWER, "no answer at I2C bus 1 address 0x5A");
    }

    @Test
    void eachReadingBecomesAMeasurementWithTheNextSequenceNumberAndTheMonotonicTimeMappedToWallTime() {
        FakeSensor sensor = new FakeSensor("mlx90614").then(36.85, 37.0);
        Timeline timeline = time.timeline();
        SpotReader reader = new SpotReader(sensor, outlet, board(sensor), timeline);

        reader.readOnce();
        time.advance(Duration.ofMillis(5_250));
        reader.readOnce();

        assertEquals(List.of(
                new Measurement(KIOSK, 1, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, 36.85,
                        UcumUnit.CELSIUS, FakeTime.WALL_START),
                new Measurement(KIOSK, 2, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, 37.0,
                        UcumUnit.CELSIUS, FakeTime.WALL_START.plusMillis(5_250))), sent);
    }

    @Test
    void aFailingSensorDoesNotKeepTheOthersFromBeingReadAndDrawsNoSequenceNumber() {
        FakeSensor broken = new FakeSensor("broken").then(noAnswer());
        FakeSensor buggy = new FakeSensor("buggy").then(new IllegalStateException("driver bug"));
        FakeSensor working = new FakeSensor("working").then(36.6);
        SensorHealthBoard board = board(broken, buggy, working);
        Timeline timeline = time.timeline();

        for (FakeSensor sensor : List.of(broken, buggy, working)) {
            new SpotReader(sensor, outlet, board, timeline).readOnce();
        }

        assertEquals(1, sent.size());
        assertEquals(1, ((Measurement) sent.getFirst()).seq());
        assertEquals(List.of(SensorState.ABSENT, SensorState.FAULTY, SensorState.PRESENT),
                board.snapshot().stream().map(h -> h.state()).toList());
        assertTrue(board.snapshot().get(1).detail().contains("driver error: java.lang.IllegalStateException"));
    }

    @Test
    void aFailingSensorIsLoggedWhenItStartsFailingAndWhenItRecoversNotAtEveryRead() {
        FakeSensor sensor = new FakeSensor("mlx90614").then(36.6, noAnswer(), noAnswer(), noAnswer(), 36.7, 36.8);
        SpotReader reader = new SpotReader(sensor, outlet, board(sensor), time.timeline());
        try (LogCapture log = new LogCapture()) {
            for (int tick = 0; tick < 6; tick++) {
                reader.readOnce();
            }

            List<String> lines = log.text().lines()
                    .filter(line -> line.startsWith("WARN") || line.startsWith("INFO"))
                    .toList();
            assertEquals(3, lines.size(), lines.toString());
            assertTrue(lines.get(0).contains("Sensor mlx90614 is present"), lines.get(0));
            assertTrue(lines.get(1).contains("Sensor mlx90614 is ABSENT: NO_ANSWER: no answer at I2C bus 1"),
                    lines.get(1));
            assertTrue(lines.get(2).contains("Sensor mlx90614 is present again (was ABSENT"), lines.get(2));
        }
        assertEquals(List.of(1L, 2L, 3L), sent.stream().map(m -> ((Measurement) m).seq()).toList());
    }

    @Test
    void aNonFiniteValueMakesTheSensorFaultyAndIsNotSent() {
        FakeSensor sensor = new FakeSensor("mlx90614").then(Double.NaN);
        SensorHealthBoard board = board(sensor);

        new SpotReader(sensor, outlet, board, time.timeline()).readOnce();

        assertEquals(List.of(), sent);
        assertEquals(0, sequence.last());
        assertEquals(SensorState.FAULTY, board.of(SensorId.of("mlx90614")).state());
    }

    @Test
    void sequenceNumbersContinueAcrossOutletsOnTheSameDataDirectory() throws IOException {
        FakeSensor a = new FakeSensor("a");
        FakeSensor b = new FakeSensor("b");
        SensorHealthBoard board = board(a, b);
        new SpotReader(a, outlet, board, time.timeline()).readOnce();
        new SpotReader(b, outlet, board, time.timeline()).readOnce();

        ReadingOutlet reopened = new ReadingOutlet(KIOSK, SequenceCounter.open(dataDir), sent::add);
        new SpotReader(a, reopened, board, time.timeline()).readOnce();

        assertEquals(List.of(1L, 2L, 3L), sent.stream().map(m -> ((Measurement) m).seq()).toList());
    }
}
