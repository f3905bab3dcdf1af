package org.telekiosk.broker.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.store.Gap;
import org.telekiosk.broker.store.KioskProgress;
import org.telekiosk.broker.store.SeqRange;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.telemetry.KioskStatus;

class StoreAcksTest {
    static final KioskId A = KioskId.of("ack-a");
    static final KioskId B = KioskId.of("ack-b");
    static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

    final Map<KioskId, KioskProgress> progress = new HashMap<>();
    final List<StoreAck> sent = new ArrayList<>();
    final StoreAcks acks = new StoreAcks(k -> CompletableFuture.completedFuture(progress.get(k)), sent::add);

    static Gap open(long first, long last) {
        return new Gap(new SeqRange(first, last), T, Optional.empty());
    }

    static Gap lost(long first, long last) {
        return new Gap(new SeqRange(first, last), T, Optional.of(T.plusSeconds(600)));
    }

    static KioskProgress progress(KioskId kiosk, long highest, Gap... gaps) {
        long contiguous = gaps.length == 0 ? highest : gaps[0].range().first() - 1;
        return new KioskProgress(kiosk, highest, contiguous, List.of(gaps));
    }

    static KioskStatus status(KioskId kiosk, long heldFrom) {
        return new KioskStatus(kiosk, T, List.of(), 0, 0, "", heldFrom);
    }

    @Test
    void withoutGapsEverythingUpToTheHighestIsAcknowledged() {
        assertEquals(500, StoreAcks.storedThrough(progress(A, 500), 0));
        assertEquals(0, StoreAcks.storedThrough(progress(A, 0), 0));
    }

    @Test
    void anOpenGapStopsTheAcknowledgementJustBelowIt() {
        assertEquals(99, StoreAcks.storedThrough(progress(A, 500, open(100, 110), open(300, 300)), 0));
    }

    @Test
    void aGapReportedLostStillStopsItWhileTheKioskMayHoldThoseReadings() {
        assertEquals(99, StoreAcks.storedThrough(progress(A, 500, lost(100, 110)), 100));
        assertEquals(104, StoreAcks.storedThrough(progress(A, 500, lost(100, 110)), 105));
    }

    @Test
    void gapsBelowWhatTheKioskHoldsDoNotStopIt() {
        assertEquals(500, StoreAcks.storedThrough(progress(A, 500, lost(100, 110), open(200, 210)), 211));
        assertEquals(299, StoreAcks.storedThrough(progress(A, 500, lost(100, 110), open(300, 310)), 211));
    }

    @Test
    void aKioskWhosePubacksAcknowledgeGetsOneOnlyAfterItsStatusOrItsConnectionsEndAndNoSettlingReads() {
        acks.byPuback(A::equals);
        progress.put(A, progress(A, 10));
        progress.put(B, progress(B, 7));
        acks.stored(A, false);
        acks.stored(A, true); // a duplicate, PUBACKed 0x00
        acks.stored(B, false);
        acks.flush();
        assertEquals(List.of(new StoreAck(B, 7)), sent, "only the kiosk that did not negotiate");

        sent.clear();
        acks.status(status(A, 1));
        acks.flush();
        assertEquals(List.of(new StoreAck(A, 10)), sent, "its status forces one");
        progress.put(A, progress(A, 30));
        acks.stored(A, false);
        acks.flush();
        assertEquals(List.of(new StoreAck(A, 10)), sent, "no settling read after it, however far the store moved");

        acks.refresh(A); // its connection ended
        acks.flush();
        assertEquals(List.of(new StoreAck(A, 10), new StoreAck(A, 30)), sent, "the current one for its next connection");
    }

    @Test
    void manyStoredReadingsBetweenTwoFlushesGiveOneAcknowledgementPerKiosk() {
        progress.put(A, progress(A, 10));
        progress.put(B, progress(B, 7));
        for (int i = 0; i < 10; i++) {
            acks.stored(A, false);
        }
        acks.stored(B, false);
        acks.flush();
        assertEquals(2, sent.size());
        assertEquals(List.of(new StoreAck(A, 10), new StoreAck(B, 7)),
                sent.stream().sorted(java.util.Comparator.comparing(a -> a.kiosk().value())).toList());
        acks.flush();
        assertEquals(2, sent.size(), "nothing new stored, nothing sent");
    }

    @Test
    void anAcknowledgementThatDidNotAdvanceIsNotSentAgainForANewReadingAboveAGap() {
        progress.put(A, progress(A, 10));
        acks.stored(A, false);
        acks.flush();
        progress.put(A, progress(A, 20, open(11, 19)));
        acks.stored(A, false);
        acks.flush();
        assertEquals(List.of(new StoreAck(A, 10)), sent);
    }

    @Test
    void aStatusOrADuplicateSendsTheAcknowledgementAgainForAKioskThatMayHaveMissedIt() {
        progress.put(A, progress(A, 10));
        acks.stored(A, false);
        acks.flush();
        acks.status(status(A, 11));
        acks.flush();
        acks.stored(A, true);
        acks.flush();
        assertEquals(List.of(new StoreAck(A, 10), new StoreAck(A, 10), new StoreAck(A, 10)), sent);
    }

    @Test
    void theKiosksHeldFromLetsTheAcknowledgementPassItsOwnLossesAndNeverGoesBack() {
        progress.put(A, progress(A, 500, lost(100, 110)));
        acks.stored(A, false);
        acks.flush();
        acks.status(status(A, 111));
        acks.flush();
        acks.status(status(A, 50)); // an older status overtaken by a newer one: heldFrom never decreases
        acks.flush();
        assertEquals(List.of(new StoreAck(A, 99), new StoreAck(A, 500), new StoreAck(A, 500)), sent);
    }

    @Test
    void aFailedStoreReadIsTriedAgainAtTheNextFlush() {
        CompletableFuture<KioskProgress> failing = CompletableFuture.failedFuture(new IllegalStateException("down"));
        List<StoreAck> out = new ArrayList<>();
        boolean[] fail = {true};
        StoreAcks flaky = new StoreAcks(k -> fail[0] ? failing : CompletableFuture.completedFuture(progress(A, 3)),
                out::add);
        flaky.stored(A, false);
        flaky.flush();
        assertEquals(List.of(), out);
        fail[0] = false;
        flaky.flush();
        assertEquals(List.of(new StoreAck(A, 3)), out);
    }

    /**
     * A progress read slower than the flush's wait is waited for again at the next flush, not started a second time:
     * reads slower than the flushes must not pile up (5,000 kiosks on a loaded node queued 40,072 of them). Once it
     * has answered, the kiosk is read afresh, since marks came after the slow read began.
     */
    @Test
    void aReadStillRunningIsWaitedForAtTheNextFlushNotStartedAgain() {
        List<CompletableFuture<KioskProgress>> started = new ArrayList<>();
        List<StoreAck> out = new ArrayList<>();
        StoreAcks slow = new StoreAcks((k, from) -> {
            CompletableFuture<KioskProgress> read = new CompletableFuture<>();
            started.add(read);
            return read;
        }, out::add, java.time.Duration.ofMillis(20));
        slow.stored(A, false);
        slow.flush();
        slow.stored(A, false);
        slow.flush();
        slow.flush();
        assertEquals(1, started.size(), "one read at a time for a kiosk");
        assertEquals(List.of(), out);
        started.get(0).complete(progress(A, 5));
        slow.flush();
        assertEquals(List.of(new StoreAck(A, 5)), out);
        assertEquals(1, started.size(), "the finished read answered; nothing new started in the same flush");
        slow.flush();
        assertEquals(2, started.size(), "read afresh after the slow answer");
        started.get(1).complete(progress(A, 9));
        slow.flush();
        assertEquals(List.of(new StoreAck(A, 5), new StoreAck(A, 9)), out);
    }

    /**
     * The MQTT client could not take the acknowledgement (reconnecting, its queue full): a kiosk that sends nothing
     * more would never hear it, since nothing else marks the kiosk; so the next flush sends it again, unchanged.
     */
    @Test
    void anAcknowledgementTheMqttClientDidNotTakeIsSentAtTheNextFlush() {
        List<StoreAck> out = new ArrayList<>();
        boolean[] connected = {false};
        StoreAcks acks = new StoreAcks(k -> CompletableFuture.completedFuture(progress(A, 2)),
                ack -> connected[0] && out.add(ack));
        acks.stored(A, false);
        acks.flush();
        assertEquals(List.of(), out);
        acks.flush();
        assertEquals(List.of(), out, "still not connected: nothing sent, nothing recorded as sent");
        connected[0] = true;
        acks.flush();
        assertEquals(List.of(new StoreAck(A, 2)), out);
        acks.flush();
        assertEquals(List.of(new StoreAck(A, 2)), out, "sent once it was taken, then no more");
    }

    static KioskProgress withRefused(KioskProgress p, List<Long> refused) {
        return new KioskProgress(p.kiosk(), p.highest(), p.contiguous(), p.gaps(), refused);
    }

    @Test
    void refusedNumbersFromTheKiosksHeldFromOnAreNamedAndTheAcknowledgementPassesThem() {
        List<Long> askedFrom = new ArrayList<>();
        StoreAcks named = new StoreAcks((k, from) -> {
            askedFrom.add(from);
            return CompletableFuture.completedFuture(withRefused(progress(A, 12), List.of(4L, 9L)));
        }, sent::add);
        named.stored(A, true);
        named.flush();
        named.status(status(A, 5));
        named.flush();
        assertEquals(List.of(0L, 5L), askedFrom, "the store is asked for refused numbers from heldFrom on");
        assertEquals(List.of(new StoreAck(A, 12, List.of(4L, 9L)), new StoreAck(A, 12, List.of(9L))), sent);
    }

    @Test
    void moreRefusedNumbersThanOneAcknowledgementNamesStopItBelowTheFirstUnnamed() {
        List<Long> refused = LongStream.rangeClosed(1, StoreAck.MAX_REFUSED + 1).map(i -> i * 2).boxed().toList();
        StoreAcks named = new StoreAcks((k, from) -> CompletableFuture.completedFuture(
                withRefused(progress(A, 1000), refused)), sent::add);
        named.stored(A, false);
        named.flush();
        StoreAck ack = sent.getLast();
        assertEquals(refused.get(StoreAck.MAX_REFUSED) - 1, ack.storedThrough());
        assertEquals(refused.subList(0, StoreAck.MAX_REFUSED), ack.refused());
    }

    @Test
    void aNewRefusalBelowTheAcknowledgedNumberIsSentEvenThoughStoredThroughDidNotMove() {
        List<List<Long>> refused = new ArrayList<>(List.of(List.of()));
        StoreAcks named = new StoreAcks((k, from) -> CompletableFuture.completedFuture(
                withRefused(progress(A, 10), refused.getLast())), sent::add);
        named.stored(A, false);
        named.flush();
        refused.add(List.of(10L));
        named.stored(A, false);
        named.flush();
        assertEquals(List.of(new StoreAck(A, 10), new StoreAck(A, 10, List.of(10L))), sent);
    }

    @Test
    void everyAcknowledgementIsPublishedFromTheFlushingThreadNotTheStoreReaders() throws Exception {
        java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.CountDownLatch bothAsked = new java.util.concurrent.CountDownLatch(2);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            List<Thread> publishers = java.util.Collections.synchronizedList(new ArrayList<>());
            StoreAcks threaded = new StoreAcks(k -> CompletableFuture.supplyAsync(() -> {
                bothAsked.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return progress(k, 5);
            }, readers), ack -> publishers.add(Thread.currentThread()));
            threaded.stored(A, false);
            threaded.stored(B, false);
            Thread flusher = new Thread(threaded::flush, "flusher");
            flusher.start();
            bothAsked.await();
            release.countDown();
            flusher.join();
            assertEquals(List.of(flusher, flusher), publishers);
        } finally {
            readers.shutdownNow();
        }
    }

    @Test
    void aRevokedKioskIsForgottenAndAKioskThatStaysKeepsItsHeldFrom() {
        progress.put(A, progress(A, 500, lost(100, 110)));
        progress.put(B, progress(B, 500, lost(100, 110)));
        acks.status(status(A, 200));
        acks.status(status(B, 200));
        acks.flush();
        assertEquals(2, acks.kioskCount());

        assertEquals(1, acks.prune(B::equals));
        assertEquals(1, acks.kioskCount());
        sent.clear();
        acks.stored(A, true);
        acks.flush();
        assertEquals(List.of(new StoreAck(A, 500)), sent, "A's heldFrom still passes its lost gap");

        acks.forget(A);
        assertEquals(0, acks.kioskCount());
    }

    /**
     * Two nodes on one external MQTT broker and one store: node B publishes 220, then node A publishes 218 from a read
     * made before B's commit, so the retained acknowledgement (the last one published) is behind the store. The next
     * flush settles it: A reads again and publishes 220; B, whose value did not move, publishes nothing.
     */
    @Test
    void theRetainedAcknowledgementEndsAtTheStoresLatestWhenAnotherNodePublishedAnOlderReadAfterANewerOne() {
        java.util.concurrent.atomic.AtomicReference<StoreAck> retained = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.function.Predicate<StoreAck> broker = ack -> {
            retained.set(ack);
            return true;
        };
        java.util.ArrayDeque<KioskProgress> readBeforeTheOthersCommit = new java.util.ArrayDeque<>();
        StoreAcks nodeA = new StoreAcks(k -> CompletableFuture.completedFuture(readBeforeTheOthersCommit.isEmpty()
                ? progress.get(k) : readBeforeTheOthersCommit.poll()), broker);
        StoreAcks nodeB = new StoreAcks(k -> CompletableFuture.completedFuture(progress.get(k)), broker);

        progress.put(A, progress(A, 220));
        readBeforeTheOthersCommit.add(progress(A, 218));
        nodeA.stored(A, false);
        nodeB.stored(A, false);
        nodeB.flush();
        nodeA.flush();
        assertEquals(new StoreAck(A, 218), retained.get(), "A's older read published last");

        for (int flush = 0; flush < 3; flush++) {
            nodeA.flush();
            nodeB.flush();
        }
        assertEquals(new StoreAck(A, 220), retained.get(), "the store's latest is what a reconnecting kiosk gets");
    }

    @Test
    void aSettledKioskIsReadOnceMoreAndThenNoLonger() {
        List<KioskId> reads = new ArrayList<>();
        StoreAcks counted = new StoreAcks(k -> {
            reads.add(k);
            return CompletableFuture.completedFuture(progress(A, 5));
        }, sent::add);
        counted.stored(A, false);
        counted.flush();
        counted.flush();
        counted.flush();
        assertEquals(List.of(A, A), reads, "the flush that published and one settling read");
        assertEquals(List.of(new StoreAck(A, 5)), sent);
    }
}
