package org.telekiosk.broker.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Signal;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/** {@link VitalsOrder} on a fake monotonic clock and a timer the test runs by hand. */
class VitalsOrderTest {
    static final KioskId A = KioskId.of("wmk-order-a");
    static final KioskId B = KioskId.of("wmk-order-b");
    static final Instant T0 = Instant.parse("2026-12-05T08:00:00Z");
    static final Duration WAIT = Duration.ofMillis(300);

    final AtomicLong now = new AtomicLong();
    final List<Timed> timers = new ArrayList<>();
    final List<KioskMessage> released = new ArrayList<>();
    final VitalsOrder order = new VitalsOrder(WAIT, 8, now::get,
            (delay, task) -> timers.add(new Timed(now.get() + delay.toNanos(), task)), released::add);

    record Timed(long due, Runnable task) {}

    /** Moves the clock and runs the timer tasks that are due, as a scheduled executor would. */
    void elapse(Duration d) {
        now.addAndGet(d.toNanos());
        boolean ran;
        do {
            ran = false;
            for (Timed t : List.copyOf(timers)) {
                if (t.due() <= now.get()) {
                    timers.remove(t);
                    t.task().run();
                    ran = true;
                }
            }
        } while (ran);
    }

    static Measurement pulse(KioskId kiosk, long seq) {
        return new Measurement(kiosk, seq, SensorId.of("max30102"), LoincCode.HEART_RATE, 60 + seq, UcumUnit.PER_MINUTE,
                T0.plusSeconds(seq));
    }

    static WaveformBatch ecg(KioskId kiosk, long seq) {
        return new WaveformBatch(kiosk, seq, SensorId.of("ads1115"), Signal.ECG, UcumUnit.of("mV"), 250,
                T0.plusSeconds(seq), 0.001, List.of((int) seq, (int) seq + 1));
    }

    /** Readings and batches alternating, as a kiosk numbers them. */
    static KioskMessage numbered(KioskId kiosk, long seq) {
        return seq % 3 == 0 ? pulse(kiosk, seq) : ecg(kiosk, seq);
    }

    List<Long> releasedSeqs(KioskId kiosk) {
        return released.stream().filter(m -> kioskOf(m).equals(kiosk)).map(VitalsOrderTest::seqOf).toList();
    }

    static KioskId kioskOf(KioskMessage m) {
        return m instanceof Measurement r ? r.kiosk() : ((WaveformBatch) m).kiosk();
    }

    static long seqOf(KioskMessage m) {
        return m instanceof Measurement r ? r.seq() : ((WaveformBatch) m).seq();
    }

    @Test
    void aScrambledSequenceOfTwoKiosksIsReleasedInEachKiosksOrderWithoutWaitingOnceTheGapsClose() {
        // Two intake connections overtaking each other: each message at most 7 places from where it belongs.
        List<KioskMessage> sent = new ArrayList<>();
        for (long seq = 1; seq <= 400; seq++) {
            sent.add(numbered(A, seq));
            sent.add(numbered(B, 1000 + seq));
        }
        List<KioskMessage> scrambled = new ArrayList<>(sent);
        Random random = new Random(16);
        for (int i = 0; i < scrambled.size(); i += 8) {
            Collections.shuffle(scrambled.subList(i, i + 8), random);
        }
        assertTrue(!scrambled.equals(sent));
        // The first block starts each kiosk's line: its first messages wait once (the lowest number is not known).
        scrambled.subList(0, 8).forEach(order::offer);
        assertEquals(List.of(), released);
        elapse(WAIT);
        assertEquals(8, released.size());
        scrambled.subList(8, scrambled.size()).forEach(order::offer);

        assertEquals(LongStream.rangeClosed(1, 400).boxed().toList(), releasedSeqs(A));
        assertEquals(LongStream.rangeClosed(1001, 1400).boxed().toList(), releasedSeqs(B));
        assertEquals(0, order.heldCount());
        assertEquals(0, order.gapsGivenUpCount());
        assertEquals(0, order.lateDroppedCount());
        assertTrue(order.reorderedCount() > 0);
        // After the start nothing waited for the timer: every gap closed by a later arrival.
        elapse(WAIT.multipliedBy(2));
        assertEquals(800, released.size());
    }

    @Test
    void aMessageAboveAGapWaitsUntilTheGapClosesAndNoLonger() {
        start(A, 1);
        order.offer(numbered(A, 3));
        order.offer(numbered(A, 4));
        assertEquals(List.of(1L), releasedSeqs(A));
        elapse(Duration.ofMillis(100));
        order.offer(numbered(A, 2));
        assertEquals(List.of(1L, 2L, 3L, 4L), releasedSeqs(A));
        assertEquals(0, order.heldCount());
    }

    @Test
    void aGapThatNeverClosesIsGivenUpAfterTheWaitAndTheStreamGoesOn() {
        start(A, 1);
        order.offer(numbered(A, 3)); // 2 was refused by the intake: it never comes
        elapse(Duration.ofMillis(200));
        order.offer(numbered(A, 5)); // 4 is late too, but came 200 ms later
        assertEquals(List.of(1L), releasedSeqs(A));
        elapse(Duration.ofMillis(100));
        assertEquals(List.of(1L, 3L), releasedSeqs(A), "3 waited its 300 ms; 5 has waited 100");
        elapse(Duration.ofMillis(199));
        assertEquals(List.of(1L, 3L), releasedSeqs(A));
        elapse(Duration.ofMillis(1));
        assertEquals(List.of(1L, 3L, 5L), releasedSeqs(A));
        order.offer(numbered(A, 6));
        assertEquals(List.of(1L, 3L, 5L, 6L), releasedSeqs(A), "after the gaps, in order again without waiting");
        assertEquals(2, order.gapsGivenUpCount());
    }

    @Test
    void aLateReadingNeverTakesATileBackButALateOneOfAnotherSensorIsShown() {
        order.offer(pulse(A, 1));
        elapse(WAIT);
        order.offer(pulse(A, 3));
        elapse(WAIT);
        assertEquals(List.of(1L, 3L), releasedSeqs(A));
        Measurement temperature = new Measurement(A, 2, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, 36.8,
                UcumUnit.CELSIUS, T0.plusSeconds(2));
        order.offer(temperature); // late, but no newer temperature was shown
        order.offer(pulse(A, 2)); // late and older than the pulse of seq 3 on the tile
        assertEquals(List.of(1L, 3L, 2L), releasedSeqs(A));
        assertEquals(temperature, released.getLast());
        assertEquals(1, order.lateDroppedCount());
    }

    @Test
    void aLateWaveformBatchIsNotDrawnIntoTheTraceBehindANewerOne() {
        order.offer(ecg(A, 1));
        elapse(WAIT);
        order.offer(ecg(A, 3));
        elapse(WAIT);
        order.offer(ecg(A, 2));
        assertEquals(List.of(1L, 3L), releasedSeqs(A));
        assertEquals(1, order.lateDroppedCount());
    }

    @Test
    void tooManyHeldMessagesGiveTheGapUpAtOnce() {
        start(A, 1);
        for (long seq = 3; seq <= 11; seq++) {
            order.offer(numbered(A, seq));
        }
        // The ninth message over the gap (more than 8 held) releases them all without waiting.
        assertEquals(LongStream.concat(LongStream.of(1), LongStream.rangeClosed(3, 11)).boxed().toList(),
                releasedSeqs(A));
        assertEquals(0, order.heldCount());
    }

    @Test
    void aKiosksStatusOrAnotherMessageIsNotHeld() {
        start(A, 1);
        order.offer(numbered(A, 3));
        var status = new org.telekiosk.protocol.telemetry.KioskStatus(A, T0, List.of(), 0, 0, "", 1);
        order.offer(status);
        assertEquals(status, released.getLast());
    }

    @Test
    void aKiosksFirstMessagesWaitOnceSoThatItsLowestNumberGoesFirst() {
        order.offer(numbered(A, 12));
        order.offer(numbered(A, 11));
        elapse(Duration.ofMillis(299));
        assertEquals(List.of(), released);
        order.offer(numbered(A, 10));
        elapse(Duration.ofMillis(1));
        assertEquals(List.of(10L, 11L, 12L), releasedSeqs(A));
        assertEquals(0, order.gapsGivenUpCount());
        order.offer(numbered(A, 13));
        assertEquals(List.of(10L, 11L, 12L, 13L), releasedSeqs(A));
    }

    @Test
    void everyWaitIsToldWithItsCauseAndLengthAndEveryReleaseWithItsHandInTime() {
        List<String> waits = new ArrayList<>();
        List<Long> handedIn = new ArrayList<>();
        VitalsOrder timed = new VitalsOrder(WAIT, 3, now::get,
                (delay, task) -> timers.add(new Timed(now.get() + delay.toNanos(), task)), (kiosk, task) -> task.run(),
                (message, at) -> {
                    released.add(message);
                    handedIn.add(at);
                });
        timed.observeWaits((cause, nanos) -> waits.add(cause.code() + " " + Duration.ofNanos(nanos).toMillis()));

        timed.offer(numbered(A, 1), 7); // the kiosk's first: waits out the start
        elapse(WAIT);
        timed.offer(numbered(A, 2), 8); // in order: no wait, not told
        timed.offer(numbered(A, 4), 9);
        elapse(Duration.ofMillis(40));
        timed.offer(numbered(A, 3), 10); // closes the gap: 4 waited 40 ms
        timed.offer(numbered(A, 6), 11); // 5 never comes: 6 waits the whole 300 ms
        elapse(WAIT);
        for (long seq = 8; seq <= 11; seq++) { // 7 never comes; the fourth held gives the gap up at once
            timed.offer(numbered(A, seq), seq + 4);
        }

        assertEquals(List.of(1L, 2L, 3L, 4L, 6L, 8L, 9L, 10L, 11L), releasedSeqs(A));
        assertEquals(List.of(7L, 8L, 10L, 9L, 11L, 12L, 13L, 14L, 15L), handedIn, "each with its own hand-in time");
        assertEquals(List.of("first 300", "gap-closed 40", "gap-given-up 300", "too-many 0", "too-many 0",
                "too-many 0", "too-many 0"), waits);
        assertEquals(7, timed.reorderedCount(), "each wait told is a message reordered");
    }

    /** Offers a kiosk's first message and lets it wait out the start. */
    void start(KioskId kiosk, long seq) {
        order.offer(numbered(kiosk, seq));
        elapse(WAIT);
        assertEquals(List.of(seq), releasedSeqs(kiosk));
    }

    @Test
    void theWaitAndTheBoundAreValidated() {
        assertThrows(IllegalArgumentException.class,
                () -> new VitalsOrder(Duration.ZERO, 8, now::get, (d, t) -> { }, m -> { }));
        assertThrows(IllegalArgumentException.class,
                () -> new VitalsOrder(WAIT, 0, now::get, (d, t) -> { }, m -> { }));
    }

    @Test
    void aKioskIdleForTheIdleTimeIsForgottenAndItsNextMessageWaitsOnceAsAfterTheStart() {
        Duration idle = Duration.ofMinutes(10);
        start(A, 1);
        order.offer(numbered(A, 2));
        assertEquals(List.of(1L, 2L), releasedSeqs(A), "in order: no wait");
        start(B, 1);
        elapse(idle.minusSeconds(1));
        order.offer(numbered(B, 2)); // B is in use
        elapse(Duration.ofSeconds(1));

        assertEquals(1, order.prune(idle));
        assertEquals(1, order.kioskCount(), "A forgotten, B kept");
        order.offer(numbered(A, 3));
        assertEquals(List.of(1L, 2L), releasedSeqs(A), "its next number is forgotten: 3 waits once");
        elapse(WAIT);
        assertEquals(List.of(1L, 2L, 3L), releasedSeqs(A));
        order.offer(numbered(A, 4));
        assertEquals(List.of(1L, 2L, 3L, 4L), releasedSeqs(A), "and then no more");
        assertEquals(0, order.gapsGivenUpCount());
    }

    @Test
    void aKioskHoldingMessagesIsNotForgottenHoweverLongItsTimerTakes() {
        start(A, 2);
        order.offer(numbered(A, 5)); // an ECG batch, waits for 3 and 4
        now.addAndGet(Duration.ofHours(1).toNanos()); // the timer's thread has not run yet
        assertEquals(0, order.prune(Duration.ofMinutes(10)));
        assertEquals(1, order.heldCount());
        elapse(Duration.ZERO);
        assertEquals(List.of(2L, 5L), releasedSeqs(A), "the gap given up by the line it was held in");
        order.offer(numbered(A, 4));
        assertEquals(List.of(2L, 5L), releasedSeqs(A), "a late batch before the last one sent: the line still knows");
        assertEquals(1, order.lateDroppedCount());
    }

    @Test
    void thousandsOfKiosksSeenOnceLeaveNothingBehindOncePruned() {
        for (int i = 0; i < 5_000; i++) {
            order.offer(numbered(KioskId.of("wmk-retired-" + i), 1));
        }
        elapse(WAIT);
        assertEquals(5_000, order.kioskCount());
        elapse(Duration.ofMinutes(10));
        assertEquals(5_000, order.prune(Duration.ofMinutes(10)));
        assertEquals(0, order.kioskCount());
        assertEquals(5_000, released.size());
    }
}
