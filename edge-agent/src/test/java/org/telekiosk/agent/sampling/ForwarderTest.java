package org.telekiosk.agent.sampling;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;

class ForwarderTest {
    private static final Duration PATIENCE = Duration.ofSeconds(5);
    /** Long enough that only events, never the backstop timer, drive the tests that do not test the timer. */
    private static final Duration NO_TIMER = Duration.ofMinutes(10);

    private Forwarder forwarder;

    @AfterEach
    void close() {
        forwarder.close();
    }

    private Forwarder forwarder(FakeUplink uplink, int capacity, Duration retryDelay) {
        forwarder = new Forwarder(uplink, capacity, retryDelay);
        forwarder.start();
        return forwarder;
    }

    private static Measurement reading(long seq) {
        return new Measurement(KioskId.of("wmk-lab-03"), seq, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE,
                36.6, UcumUnit.CELSIUS, Instant.parse("2026-11-22T10:00:00Z").plusSeconds(seq));
    }

    private void offer(long... seqs) {
        for (long seq : seqs) {
            forwarder.offer(reading(seq));
        }
    }

    /** Awaitility polling every millisecond: the forwarder reacts within microseconds. */
    private static ConditionFactory soon() {
        return await().atMost(PATIENCE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1));
    }

    private static <T> void eventually(Callable<T> actual, T expected) {
        soon().until(actual, expected::equals);
    }

    @Test
    void readingsLeaveTheQueueOnlyWhenTheBrokerAcknowledgesThem() {
        FakeUplink uplink = new FakeUplink(10, true);
        forwarder(uplink, 100, NO_TIMER);

        offer(1, 2, 3);
        eventually(uplink::accepted, List.of(1L, 2L, 3L));
        eventually(forwarder::status, new Forwarder.Status(3, 3, 0, 0, 0));

        uplink.acknowledge(2);

        eventually(forwarder::status, new Forwarder.Status(2, 2, 1, 0, 0));
    }

    @Test
    void whenTheWindowIsFullTheNextReadingWaitsForAnAcknowledgement() {
        FakeUplink uplink = new FakeUplink(2, true);
        forwarder(uplink, 100, NO_TIMER);

        offer(1, 2, 3, 4);
        eventually(uplink::accepted, List.of(1L, 2L));

        uplink.acknowledge(1);
        eventually(uplink::accepted, List.of(1L, 2L, 3L));
        uplink.acknowledge(2);
        uplink.acknowledge(3);

        eventually(uplink::accepted, List.of(1L, 2L, 3L, 4L));
    }

    @Test
    void whatWasLostWithTheConnectionIsSentAgainInSequenceOrderAfterTheReconnect() {
        FakeUplink uplink = new FakeUplink(3, true);
        forwarder(uplink, 100, NO_TIMER);
        offer(1, 2, 3, 4, 5);
        eventually(uplink::accepted, List.of(1L, 2L, 3L));

        uplink.drop();
        offer(6);
        eventually(forwarder::status, new Forwarder.Status(6, 0, 0, 0, 0));
        uplink.reconnect(false);

        eventually(uplink::accepted, List.of(1L, 2L, 3L, 1L, 2L, 3L));
        for (long seq = 1; seq <= 6; seq++) {
            long next = seq;
            soon().until(() -> uplink.inFlight().contains(next));
            uplink.acknowledge(seq);
        }
        eventually(uplink::accepted, List.of(1L, 2L, 3L, 1L, 2L, 3L, 4L, 5L, 6L));
        eventually(forwarder::status, new Forwarder.Status(0, 0, 6, 0, 0));
    }

    @Test
    void aBacklogOfferedOutOfOrderIsSentInSequenceOrder() {
        FakeUplink uplink = new FakeUplink(10, false);
        forwarder(uplink, 100, NO_TIMER);

        offer(3, 1, 2);
        eventually(forwarder::status, new Forwarder.Status(3, 0, 0, 0, 0));
        uplink.reconnect(false);

        eventually(uplink::accepted, List.of(1L, 2L, 3L));
    }

    @Test
    void whenTheQueueIsFullTheOldestReadingIsDroppedAndCounted() {
        FakeUplink uplink = new FakeUplink(10, false);
        forwarder(uplink, 3, NO_TIMER);

        offer(1, 2, 3, 4, 5);
        eventually(forwarder::status, new Forwarder.Status(3, 0, 0, 2, 0));
        uplink.reconnect(false);

        eventually(uplink::accepted, List.of(3L, 4L, 5L));
    }

    @Test
    void droppingTheOldestSparesTheReadingsInFlight() {
        FakeUplink uplink = new FakeUplink(1, true);
        forwarder(uplink, 3, NO_TIMER);
        offer(1, 2, 3);
        eventually(uplink::accepted, List.of(1L));

        offer(4);
        eventually(forwarder::status, new Forwarder.Status(3, 1, 0, 1, 0));
        uplink.acknowledge(1);

        eventually(uplink::accepted, List.of(1L, 3L));
    }

    @Test
    void aReadingTheBrokerRefusesIsDroppedAndCountedWithoutHoldingUpTheRest() {
        FakeUplink uplink = new FakeUplink(1, true);
        forwarder(uplink, 100, NO_TIMER);
        offer(1, 2);
        eventually(uplink::accepted, List.of(1L));

        uplink.refuse(1);

        eventually(uplink::accepted, List.of(1L, 2L));
        eventually(forwarder::status, new Forwarder.Status(1, 1, 0, 0, 1));
    }

    @Test
    void withoutAnyEventTheRetryTimerSendsAgain() {
        FakeUplink uplink = new FakeUplink(10, false);
        forwarder(uplink, 100, Duration.ofMillis(20));
        offer(1, 2);
        eventually(forwarder::status, new Forwarder.Status(2, 0, 0, 0, 0));

        uplink.reconnect(true);

        eventually(uplink::accepted, List.of(1L, 2L));
    }

    @Test
    void tenThousandReadingsOfferedWhileDisconnectedAllArriveInOrder() {
        FakeUplink uplink = new FakeUplink(10, false);
        forwarder(uplink, Forwarder.DEFAULT_CAPACITY, NO_TIMER);
        LongStream.rangeClosed(1, 10_000).forEach(this::offer);
        eventually(() -> forwarder.status().queued(), 10_000);

        uplink.reconnect(false);
        for (int acknowledged = 0; acknowledged < 10_000; ) {
            List<Long> inFlight = soon().until(uplink::inFlight, flying -> !flying.isEmpty());
            inFlight.forEach(uplink::acknowledge);
            acknowledged += inFlight.size();
        }

        eventually(forwarder::status, new Forwarder.Status(0, 0, 10_000, 0, 0));
        assertEquals(LongStream.rangeClosed(1, 10_000).boxed().toList(), uplink.accepted());
    }

    private static WaveformBatch batch(long seq) {
        return new WaveformBatch(KioskId.of("wmk-lab-03"), seq, SensorId.of("ads1115"), Signal.ECG, UcumUnit.MILLIVOLT,
                250, Instant.parse("2026-11-22T10:00:00Z").plusSeconds(seq), 0.001, List.of(1, 2, 3));
    }

    private static KioskStatus status(int second) {
        return new KioskStatus(KioskId.of("wmk-lab-03"), Instant.parse("2026-11-22T10:00:00Z").plusSeconds(second),
                List.of(), 0, 0);
    }

    @Test
    void waveformBatchesAndMeasurementsShareOneQueueInSequenceOrder() {
        FakeUplink uplink = new FakeUplink(10, false);
        forwarder(uplink, 100, NO_TIMER);
        forwarder.offer(batch(2));
        forwarder.offer(reading(1));
        forwarder.offer(batch(3));
        eventually(() -> forwarder.status().queued(), 3);

        uplink.reconnect(false);

        eventually(uplink::accepted, List.of(1L, 2L, 3L));
    }

    @Test
    void whenTheQueueIsFullWaveformBatchesAreDroppedBeforeSpotReadings() {
        FakeUplink uplink = new FakeUplink(10, false);
        forwarder(uplink, 3, NO_TIMER);
        forwarder.offer(reading(1));
        forwarder.offer(batch(2));
        forwarder.offer(reading(3));
        forwarder.offer(batch(4));
        forwarder.offer(reading(5));
        eventually(() -> forwarder.status().dropped(), 2L);

        uplink.reconnect(false);

        eventually(uplink::accepted, List.of(1L, 3L, 5L));
    }

    @Test
    void onlyTheLatestUnsentStatusIsSentWhenTheConnectionComesBack() {
        FakeUplink uplink = new FakeUplink(10, false);
        forwarder(uplink, 100, NO_TIMER);
        forwarder.publishStatus(status(1));
        forwarder.publishStatus(status(2));
        forwarder.publishStatus(status(3));
        offer(1);
        eventually(() -> forwarder.status().queued(), 1);

        uplink.reconnect(false);

        eventually(uplink::statuses, List.of(status(3)));
        eventually(uplink::accepted, List.of(1L));
        assertEquals(1, forwarder.status().queued(), "a status is never counted as a queued reading");
    }

    @Test
    void aStatusLostWithTheConnectionIsSentAgainUnlessANewerOneReplacedIt() {
        FakeUplink uplink = new FakeUplink(10, true);
        forwarder(uplink, 100, NO_TIMER);
        forwarder.publishStatus(status(1));
        eventually(uplink::statuses, List.of(status(1)));

        uplink.drop();
        uplink.reconnect(false);
        eventually(uplink::statuses, List.of(status(1), status(1)));

        forwarder.publishStatus(status(2));
        uplink.acknowledgeStatuses();
        eventually(uplink::statuses, List.of(status(1), status(1), status(2)));
        uplink.acknowledgeStatuses();
        uplink.drop();
        uplink.reconnect(false);
        soon().during(Duration.ofMillis(50)).until(() -> uplink.statuses().size() == 3);
    }
}
