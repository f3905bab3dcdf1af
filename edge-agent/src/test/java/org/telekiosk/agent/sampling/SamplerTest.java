package org.telekiosk.agent.sampling;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.testing.LogCapture;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.Measurement;

class SamplerTest {
    private static final KioskId KIOSK = KioskId.of("wmk-lab-03");
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    @TempDir
    Path dataDir;

    private final List<Measurement> sent = new CopyOnWriteArrayList<>();
    private final FakeClock clock = new FakeClock(T0);
    private SequenceCounter sequence;

    /** A clock the test moves by hand. */
    private static final class FakeClock extends Clock {
        private volatile Instant now;

        FakeClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    @BeforeEach
    void openSequence() throws IOException {
        sequence = SequenceCounter.open(dataDir);
    }

    private Sampler sampler(FakeSensor... sensors) {
        return new Sampler(KIOSK, List.of(sensors), Duration.ofSeconds(5), sequence, clock, sent::add);
    }

    private static SensorException noAnswer() {
        return new SensorException(SensorException.Kind.BUS_ERROR, "no answer at I2C bus 1 address 0x5A");
    }

    @Test
    void eachReadingBecomesAMeasurementWithTheNextSequenceNumberAndTheClocksTime() {
        Sampler sampler = sampler(new FakeSensor("mlx90614").then(36.85, 37.0));

        sampler.sampleOnce();
        clock.advance(Duration.ofSeconds(5));
        sampler.sampleOnce();

        assertEquals(List.of(
                new Measurement(KIOSK, 1, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, 36.85,
                        UcumUnit.CELSIUS, T0),
                new Measurement(KIOSK, 2, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, 37.0,
                        UcumUnit.CELSIUS, T0.plusSeconds(5))), sent);
    }

    @Test
    void aFailingSensorDoesNotKeepTheOthersFromBeingRead() {
        FakeSensor broken = new FakeSensor("broken").then(noAnswer());
        FakeSensor buggy = new FakeSensor("buggy").then(new IllegalStateException("driver bug"));
        FakeSensor working = new FakeSensor("working").then(36.6);

        sampler(broken, buggy, working).sampleOnce();

        assertEquals(1, sent.size());
        assertEquals(SensorId.of("working"), sent.getFirst().sensor());
        assertEquals(1, sent.getFirst().seq(), "failed readings draw no sequence number");
    }

    @Test
    void aFailingSensorIsLoggedWhenItStartsFailingAndWhenItRecoversNotAtEveryTick() {
        FakeSensor sensor = new FakeSensor("mlx90614").then(36.6, noAnswer(), noAnswer(), noAnswer(), 36.7, 36.8);
        Sampler sampler = sampler(sensor);
        try (LogCapture log = new LogCapture()) {
            for (int tick = 0; tick < 6; tick++) {
                sampler.sampleOnce();
            }

            List<String> lines = log.text().lines()
                    .filter(line -> line.startsWith("WARN") || line.startsWith("INFO"))
                    .toList();
            assertEquals(2, lines.size(), lines.toString());
            assertTrue(lines.get(0).contains("Sensor mlx90614 is failing: BUS_ERROR: no answer at I2C bus 1"),
                    lines.get(0));
            assertTrue(lines.get(1).contains("Sensor mlx90614 recovered after 3 failed readings"), lines.get(1));
        }
        assertEquals(List.of(1L, 2L, 3L), sent.stream().map(Measurement::seq).toList());
    }

    @Test
    void aNonFiniteValueCountsAsAFailureAndIsNotSent() {
        sampler(new FakeSensor("mlx90614").then(Double.NaN)).sampleOnce();

        assertEquals(List.of(), sent);
        assertEquals(0, sequence.last());
    }

    @Test
    void sequenceNumbersContinueAcrossSamplersOnTheSameDataDirectory() throws IOException {
        sampler(new FakeSensor("a"), new FakeSensor("b")).sampleOnce();

        SequenceCounter reopened = SequenceCounter.open(dataDir);
        new Sampler(KIOSK, List.of(new FakeSensor("a")), Duration.ofSeconds(5), reopened, clock, sent::add)
                .sampleOnce();

        assertEquals(List.of(1L, 2L, 3L), sent.stream().map(Measurement::seq).toList());
    }

    @Test
    void onceStartedItReadsEveryIntervalOnItsOwnThreadUntilClosed() {
        FakeSensor sensor = new FakeSensor("mlx90614");
        List<String> threads = new CopyOnWriteArrayList<>();
        try (Sampler sampler = new Sampler(KIOSK, List.of(sensor), Duration.ofMillis(10), sequence, clock,
                m -> {
                    threads.add(Thread.currentThread().getName());
                    sent.add(m);
                })) {
            sampler.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() >= 3);
        }
        int readsAfterClose = sensor.reads();

        assertTrue(threads.stream().allMatch("telekiosk-sampler"::equals), threads.toString());
        await().during(Duration.ofMillis(50)).atMost(Duration.ofSeconds(1)).until(() -> sensor.reads() == readsAfterClose);
    }
}
