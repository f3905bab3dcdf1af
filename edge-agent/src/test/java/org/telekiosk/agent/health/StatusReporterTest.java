package org.telekiosk.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.telekiosk.agent.outbox.OutboxSender;
import org.telekiosk.agent.sensor.SensorException;
import org.telekiosk.agent.sensor.SensorException.Kind;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.SensorHealth;
import org.telekiosk.protocol.telemetry.SensorState;

class StatusReporterTest {
    private static final KioskId KIOSK = KioskId.of("wmk-lab-03");
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final SensorId THERMOMETER = SensorId.of("mlx90614");
    private static final SensorId SCALE = SensorId.of("hx711");

    private final MovableClock clock = new MovableClock();
    private final List<KioskStatus> sent = new CopyOnWriteArrayList<>();
    private final StatusReporter[] reporter = new StatusReporter[1];
    private final SensorHealthBoard board = new SensorHealthBoard(List.of(THERMOMETER, SCALE),
            () -> reporter[0].healthChanged());
    private OutboxSender.Status queue = new OutboxSender.Status(3, 1, 10, 0, 1, 2, 0, "");

    StatusReporterTest() {
        reporter[0] = new StatusReporter(KIOSK, board, () -> queue, clock, Duration.ofSeconds(60),
                Duration.ofSeconds(10), sent::add);
    }

    /** A wall clock the test moves by hand. */
    private static final class MovableClock extends Clock {
        private volatile Instant now = T0;

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    private static SensorException fault(Kind kind, String message) {
        return new SensorException(kind, message);
    }

    private List<SensorState> states(KioskStatus status) {
        return status.sensors().stream().map(SensorHealth::state).toList();
    }

    @Test
    void theFirstStatusGoesOutOnceEverySensorWasProbedWithTheForwardersCounts() {
        board.ok(THERMOMETER);
        reporter[0].tick();
        assertEquals(List.of(), sent, "the scale has not been probed yet");

        board.failed(SCALE, fault(Kind.NO_ANSWER, "HX711 (PD_SCK GPIO 6, DOUT GPIO 5): no conversion ready"));

        assertEquals(1, sent.size());
        KioskStatus first = sent.getFirst();
        assertEquals(KIOSK, first.kiosk());
        assertEquals(T0, first.sentAt());
        assertEquals(List.of(SensorState.PRESENT, SensorState.ABSENT), states(first));
        assertEquals("NO_ANSWER: HX711 (PD_SCK GPIO 6, DOUT GPIO 5): no conversion ready",
                first.sensors().get(1).detail());
        assertEquals(3, first.queued());
        assertEquals(2, first.dropped());
    }

    @Test
    void aProbeThatHangsDoesNotHoldTheFirstStatusBackLongerThanTheGrace() {
        board.ok(THERMOMETER);
        clock.advance(Duration.ofSeconds(9));
        reporter[0].tick();
        assertEquals(List.of(), sent);

        clock.advance(Duration.ofSeconds(1));
        reporter[0].tick();

        assertEquals(1, sent.size());
        assertEquals(new SensorHealth(SCALE, SensorState.ABSENT, "not probed yet"), sent.getFirst().sensors().get(1));
    }

    @Test
    void presentThenFaultyThenPresentAgainSendsAStatusAtEachChangeAndNotForRepeatedFailures() {
        board.ok(THERMOMETER);
        board.ok(SCALE);
        board.failed(THERMOMETER, fault(Kind.CHECKSUM, "PEC mismatch"));
        board.failed(THERMOMETER, fault(Kind.CHECKSUM, "PEC mismatch again"));
        board.failed(THERMOMETER, fault(Kind.DEVICE_ERROR, "error flag"));
        board.ok(THERMOMETER);
        board.ok(THERMOMETER);

        assertEquals(3, sent.size(), sent.toString());
        assertEquals(List.of(SensorState.PRESENT, SensorState.PRESENT), states(sent.get(0)));
        assertEquals(List.of(SensorState.FAULTY, SensorState.PRESENT), states(sent.get(1)));
        assertEquals("CHECKSUM: PEC mismatch", sent.get(1).sensors().getFirst().detail());
        assertEquals(List.of(SensorState.PRESENT, SensorState.PRESENT), states(sent.get(2)));
        assertEquals("", sent.get(2).sensors().getFirst().detail());
    }

    @Test
    void anAbsentSensorThatAnswersAgainIsPresentAndSaysSo() {
        board.failed(THERMOMETER, fault(Kind.NO_ANSWER, "no answer from the MLX90614"));
        board.ok(SCALE);
        board.ok(THERMOMETER);

        assertEquals(2, sent.size());
        assertEquals(List.of(SensorState.ABSENT, SensorState.PRESENT), states(sent.get(0)));
        assertEquals(List.of(SensorState.PRESENT, SensorState.PRESENT), states(sent.get(1)));
    }

    @Test
    void withoutAnyChangeAStatusGoesOutEveryIntervalWithTheCurrentCounts() {
        board.ok(THERMOMETER);
        board.ok(SCALE);
        clock.advance(Duration.ofSeconds(59));
        reporter[0].tick();
        assertEquals(1, sent.size());

        queue = new OutboxSender.Status(0, 0, 13, 0, 1, 2, 0, "");
        clock.advance(Duration.ofSeconds(1));
        reporter[0].tick();
        clock.advance(Duration.ofSeconds(60));
        reporter[0].tick();

        assertEquals(3, sent.size());
        assertEquals(T0.plusSeconds(60), sent.get(1).sentAt());
        assertEquals(0, sent.get(1).queued());
        assertEquals(T0.plusSeconds(120), sent.get(2).sentAt());
    }

    @Test
    void aFaultFoundInTheOutboxFileAtStartTravelsInEveryStatusWithTheLifetimeDropCount() {
        queue = new OutboxSender.Status(4, 0, 0, 0, 1, 17, 0, "outbox file was corrupt (truncated); 4 readings recovered");
        board.ok(THERMOMETER);
        board.ok(SCALE);
        reporter[0].tick();

        assertEquals("outbox file was corrupt (truncated); 4 readings recovered", sent.getFirst().outboxFault());
        assertEquals(17, sent.getFirst().dropped());
    }

    @Test
    void aDetailIsCutTo200CharactersWithoutControlCharacters() {
        board.failed(THERMOMETER, fault(Kind.BUS_ERROR, "garbage\n\u0000" + "x".repeat(300)));

        String detail = board.of(THERMOMETER).detail();
        assertEquals(200, detail.length());
        assertTrue(detail.chars().noneMatch(Character::isISOControl), detail);
    }
}
