package org.telekiosk.agent.outbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.telekiosk.agent.outbox.OutboxFixtures.KIOSK;
import static org.telekiosk.agent.outbox.OutboxFixtures.T0;
import static org.telekiosk.agent.outbox.OutboxFixtures.settings;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.protocol.telemetry.KioskStatus;

class OutboxSenderTest {
    // An upper bound only (every wait ends as soon as its condition holds): generous, because 10,000 SQLite commits
    // at a load of 40 on two cores took longer than 10 s. The waits are for the outbox's writer thread only: the
    // sender runs on a scheduler whose time the test steps, on the test's thread.
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

    @TempDir
    Path dir;

    private final AtomicLong nanoTime = new AtomicLong();
    private Outbox outbox;
    private OutboxSender sender;
    private ManualScheduler scheduler;

    @AfterEach
    void close() {
        if (sender != null) {
            sender.close();
        }
        if (outbox != null) {
            outbox.close();
        }
    }

    private OutboxSender sender(FakeUplink uplink, int drainRate) throws IOException {
        OutboxSettings settings = settings(dir, 64L << 20, drainRate);
        outbox = Outbox.open(settings, CLOCK);
        scheduler = new ManualScheduler(nanoTime);
        sender = new OutboxSender(outbox, uplink, settings, nanoTime::get, scheduler);
        sender.start();
        // The first drain rewinds to what is on disk then: run it now, while the outbox is empty, so that every
        // reading a test records is live and goes in order. Left to the first until(), it raced the outbox's
        // commits: readings committed before it were backlog, sent after the live ones (3, 4, 5, 1, 2), and a
        // test waiting for 1..5 in order timed out (a clean-clone CI run under load).
        scheduler.runDue();
        return sender;
    }

    private void record(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            outbox.record(OutboxFixtures::spot);
        }
    }

    /** Runs the sender's due work until {@code condition} holds (waiting only for the outbox's commits). */
    private void until(Callable<Boolean> condition) {
        await().atMost(PATIENCE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(() -> {
            scheduler.runDue();
            return condition.call();
        });
    }

    private <T> void eventually(Callable<T> actual, T expected) {
        until(() -> expected.equals(actual.call()));
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void readingsLeaveTheOutboxOnlyWhenTheStoreAcknowledgesThemNotOnPuback() throws Exception {
        FakeUplink uplink = new FakeUplink(10, true);
        uplink.storeSeparately();
        sender(uplink, 1000);
        record(3);
        eventually(uplink::inFlight, List.of(1L, 2L, 3L));

        uplink.acknowledge(1);
        uplink.acknowledge(2);
        uplink.acknowledge(3);
        until(() -> sender.status().acknowledged() == 3 && sender.status().inFlight() == 0);
        assertEquals(3, outbox.status().held(), "a PUBACK only frees the window");

        uplink.storeAck(2);

        until(() -> outbox.status().held() == 1 && sender.status().storedThrough() == 2);
        assertEquals(3, sender.status().heldFrom());
        outbox.close();
        sender.close();
        try (Outbox reopened = Outbox.open(settings(dir), CLOCK)) {
            assertEquals(List.of(3L), reopened.read(0, 10, 10).stream().map(Outbox.Stored::seq).toList());
        }
    }

    @Test
    void aPubackThatSaysStoredDeletesItsReadingWithoutAStoreAckAndItIsNotSentAgain() throws Exception {
        FakeUplink uplink = new FakeUplink(10, true);
        uplink.storeSeparately();
        uplink.pubackStores();
        sender(uplink, 1000);
        record(3);
        eventually(uplink::inFlight, List.of(1L, 2L, 3L));

        uplink.acknowledge(2);
        until(() -> outbox.status().held() == 2);
        uplink.acknowledge(1);
        uplink.acknowledge(3);
        until(() -> outbox.status().held() == 0 && sender.status().inFlight() == 0);
        assertEquals(0, sender.status().storedThrough(), "no store-ack did it");
        assertEquals(4, sender.status().heldFrom());

        // Nothing waits for a store-ack: past the store-ack timeout, nothing is sent again.
        scheduler.advance(Duration.ofSeconds(31));
        scheduler.runDue();
        assertEquals(List.of(1L, 2L, 3L), uplink.accepted());
    }

    @Test
    void aReadingPubackedButNotStoredIsSentAgainInOrderAfterTheStoreAcknowledgementTimeout() throws Exception {
        FakeUplink uplink = new FakeUplink(10, true);
        uplink.storeSeparately();
        sender(uplink, 1000);
        record(3);
        eventually(uplink::inFlight, List.of(1L, 2L, 3L));
        uplink.acknowledge(1);
        uplink.acknowledge(2);
        uplink.acknowledge(3);
        uplink.storeAck(1);
        until(() -> sender.status().storedThrough() == 1 && sender.status().inFlight() == 0);

        scheduler.advance(Duration.ofSeconds(29));
        scheduler.advance(Duration.ofSeconds(1));

        eventually(uplink::accepted, List.of(1L, 2L, 3L, 2L, 3L));
        uplink.storeAck(3);
        until(() -> outbox.status().held() == 0);
    }

    @Test
    void whenTheWindowIsFullTheNextReadingWaitsForAnAcknowledgement() throws Exception {
        FakeUplink uplink = new FakeUplink(2, true);
        sender(uplink, 1000);
        record(3);
        eventually(uplink::accepted, List.of(1L, 2L));

        uplink.acknowledge(1);

        eventually(uplink::accepted, List.of(1L, 2L, 3L));
    }

    @Test
    void whatWasLostWithTheConnectionIsSentAgainInSequenceOrderAfterTheReconnectPubackedOrNot() throws Exception {
        FakeUplink uplink = new FakeUplink(10, true);
        uplink.storeSeparately();
        sender(uplink, 1000);
        record(4);
        eventually(uplink::inFlight, List.of(1L, 2L, 3L, 4L));
        uplink.acknowledge(2);

        uplink.drop();
        record(2);
        until(() -> outbox.committedSeq() == 6 && outbox.status().held() == 6);
        uplink.reconnect(false);

        // 2 was PUBACKed but the store never said it has it: an MQTT broker killed after its PUBACK may have lost it.
        eventually(uplink::inFlight, List.of(1L, 2L, 3L, 4L, 5L, 6L));
    }

    @Test
    void aStoreAcknowledgementArrivingBeforeThePubackStillDeletes() throws Exception {
        FakeUplink uplink = new FakeUplink(10, true);
        uplink.storeSeparately();
        sender(uplink, 1000);
        record(2);
        eventually(uplink::inFlight, List.of(1L, 2L));

        uplink.storeAck(2);
        uplink.acknowledge(1);
        uplink.acknowledge(2);

        until(() -> outbox.status().held() == 0 && sender.status().inFlight() == 0);
        scheduler.advance(Duration.ofMinutes(5));
        record(1);
        eventually(uplink::inFlight, List.of(3L));
        assertEquals(List.of(1L, 2L, 3L), uplink.accepted(), "nothing covered is sent again");
    }

    @Test
    void liveReadingsGoBeforeTheBacklogWhichFollowsInSequenceOrder() throws Exception {
        FakeUplink uplink = new FakeUplink(3, false);
        sender(uplink, 1000);
        record(10);
        until(() -> outbox.committedSeq() == 10);
        uplink.reconnect(false);
        eventually(uplink::inFlight, List.of(1L, 2L, 3L));

        record(2); // live: 11, 12
        until(() -> outbox.committedSeq() == 12);
        uplink.acknowledge(1);
        uplink.acknowledge(2);

        eventually(uplink::accepted, List.of(1L, 2L, 3L, 11L, 12L));
        uplink.acknowledge(3);
        uplink.acknowledge(11);
        uplink.acknowledge(12);
        eventually(uplink::accepted, List.of(1L, 2L, 3L, 11L, 12L, 4L, 5L, 6L));
    }

    @Test
    void theBacklogGoesNoFasterThanTheDrainRateWhileLiveReadingsAreNotHeldBack() throws Exception {
        FakeUplink uplink = new FakeUplink(1000, false);
        sender(uplink, 100); // 100 per second: a burst of 10, then one every 10 ms
        record(50);
        until(() -> outbox.committedSeq() == 50);
        uplink.reconnect(false);
        eventually(uplink::accepted, range(1, 10));

        record(3);
        eventually(uplink::accepted, LongStream.concat(LongStream.rangeClosed(1, 10), LongStream.rangeClosed(51, 53))
                .boxed().toList());

        scheduler.advance(Duration.ofMillis(50));
        until(() -> uplink.accepted().size() == 13 + 5);
        assertEquals(range(11, 15), uplink.accepted().subList(13, 18));
    }

    @Test
    void aReadingTheBrokerRefusesByPubackIsQuarantinedAndCountedWithoutHoldingUpTheRest() throws Exception {
        FakeUplink uplink = new FakeUplink(10, true);
        sender(uplink, 1000);
        record(2);
        eventually(uplink::inFlight, List.of(1L, 2L));

        uplink.refuse(1);
        uplink.acknowledge(2);

        until(() -> sender.status().refused() == 1 && outbox.status().held() == 0);
    }

    @Test
    void aReadingOverTheBrokersQuotaIsKeptAndSentAgainAfterTheRetryDelayNotQuarantined() throws Exception {
        FakeUplink uplink = new FakeUplink(10, true);
        sender(uplink, 1000);
        record(3);
        eventually(uplink::inFlight, List.of(1L, 2L, 3L));

        uplink.acknowledge(1);
        uplink.throttle(2);
        uplink.throttle(3);
        until(() -> uplink.inFlight().isEmpty() && sender.throttledCount() == 2);
        assertEquals(0, sender.status().refused(), "a reading over the quota is not refused");
        assertEquals(0, outbox.status().refused());
        assertEquals(List.of(1L, 2L, 3L), uplink.accepted(), "nothing sent again before the retry delay");

        scheduler.advance(Duration.ofMinutes(10));
        eventually(uplink::inFlight, List.of(2L, 3L));
        uplink.acknowledge(2);
        uplink.acknowledge(3);
        until(() -> outbox.status().held() == 0);
        assertEquals(0, sender.status().refused());
    }

    @Test
    void aReadingTheStoreAckNamesAsRefusedIsQuarantinedNeverSentAgainAndTheReadingsAfterItAreDeleted()
            throws Exception {
        FakeUplink uplink = new FakeUplink(10, true);
        uplink.storeSeparately();
        sender(uplink, 1000);
        record(5);
        eventually(uplink::inFlight, range(1, 5));
        for (long seq = 1; seq <= 5; seq++) {
            uplink.acknowledge(seq);
        }
        until(() -> sender.status().inFlight() == 0);

        uplink.storeAck(5, List.of(3L));

        until(() -> outbox.status().held() == 0 && sender.status().refused() == 1);
        assertEquals(1, outbox.status().refused());
        assertEquals(6, sender.status().heldFrom(), "the quarantined reading is no longer held");
        int sentBefore = uplink.accepted().size();
        // After the store-ack timeout nothing is sent again: nothing is held.
        scheduler.advance(Duration.ofMinutes(5));
        record(1);
        until(() -> uplink.accepted().size() == sentBefore + 1);
        assertEquals(6L, uplink.accepted().getLast(), "only the new reading goes");
    }

    @Test
    void theLatestStatusGoesFirstAndCarriesOnlyTheNewest() throws Exception {
        FakeUplink uplink = new FakeUplink(10, false);
        sender(uplink, 1000);
        sender.publishStatus(status(1));
        sender.publishStatus(status(2));
        record(1);
        until(() -> outbox.committedSeq() == 1);

        uplink.reconnect(false);

        eventually(uplink::statuses, List.of(status(2)));
        eventually(uplink::accepted, List.of(1L));
    }

    @Test
    void tenThousandReadingsRecordedWhileDisconnectedAllArriveOnceInOrder() throws Exception {
        FakeUplink uplink = new FakeUplink(100, false);
        sender(uplink, 1_000_000);
        record(10_000);
        until(() -> outbox.committedSeq() == 10_000);
        scheduler.advance(Duration.ofSeconds(1));

        uplink.reconnect(false);
        long acked = 0;
        while (acked < 10_000) {
            until(() -> !uplink.inFlight().isEmpty());
            for (long seq : uplink.inFlight()) {
                uplink.acknowledge(seq);
                acked++;
            }
            scheduler.advance(Duration.ofSeconds(1));
        }

        assertEquals(range(1, 10_000), uplink.accepted());
        until(() -> outbox.status().held() == 0);
    }

    @Test
    void readingsNotAcknowledgedBeforeAStopAreSentAfterTheNextStart() throws Exception {
        FakeUplink first = new FakeUplink(10, true);
        sender(first, 1000);
        record(3);
        eventually(first::inFlight, List.of(1L, 2L, 3L));
        first.acknowledge(1);
        until(() -> outbox.status().held() == 2);
        sender.close();
        outbox.close();

        FakeUplink second = new FakeUplink(10, true);
        sender(second, 1000);

        eventually(second::inFlight, List.of(2L, 3L));
        assertEquals(4, outbox.record(OutboxFixtures::spot).seq());
    }

    private static KioskStatus status(int second) {
        return new KioskStatus(KIOSK, T0.plusSeconds(second), List.of(), 0, 0);
    }
}
