package org.telekiosk.broker.viewer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.telekiosk.protocol.KioskId;

/** {@link FanOut}: the lanes the viewer hub's work runs on, off the thread that hands it in. */
class FanOutTest {
    @Test
    void eachKiosksTasksRunInTheOrderHandedInOnALaneThreadWhileOtherKiosksRunBeside() {
        Map<KioskId, List<Integer>> ran = new ConcurrentHashMap<>();
        Map<String, Boolean> threads = new ConcurrentHashMap<>();
        List<KioskId> kiosks = IntStream.range(0, 8).mapToObj(i -> KioskId.of("wmk-fanout-" + i)).toList();
        kiosks.forEach(k -> ran.put(k, new ArrayList<>()));
        try (FanOut fanOut = new FanOut(4, 20_000)) {
            for (int i = 0; i < 2_000; i++) {
                for (KioskId kiosk : kiosks) {
                    int n = i;
                    fanOut.execute(kiosk, () -> {
                        threads.put(Thread.currentThread().getName(), true);
                        List<Integer> mine = ran.get(kiosk);
                        synchronized (mine) {
                            mine.add(n);
                        }
                    });
                }
            }
            await().until(() -> kiosks.stream().allMatch(k -> sizeOf(ran.get(k)) == 2_000));
            assertEquals(0, fanOut.droppedCount());
        }
        List<Integer> expected = IntStream.range(0, 2_000).boxed().toList();
        kiosks.forEach(k -> assertEquals(expected, ran.get(k), k.value()));
        assertTrue(threads.keySet().stream().allMatch(t -> t.startsWith("vitals-fanout-")), threads.toString());
        assertTrue(threads.size() > 1, "the kiosks are spread over the lanes: " + threads.keySet());
    }

    @Test
    void aFullLaneDropsAndCountsWhatDoesNotFitInsteadOfBlockingTheCaller() throws InterruptedException {
        KioskId kiosk = KioskId.of("wmk-fanout-full");
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (FanOut fanOut = new FanOut(1, 2)) {
            fanOut.execute(kiosk, () -> {
                running.countDown();
                awaitQuietly(release);
            });
            running.await();
            for (int i = 0; i < 5; i++) {
                fanOut.execute(kiosk, () -> { });
            }
            assertEquals(3, fanOut.droppedCount(), "two wait, three did not fit");
            release.countDown();
        }
    }

    @Test
    void theHubsOwnTasksAreNeverDroppedAndKeepTheirPlaceInTheKiosksOrder() throws InterruptedException {
        KioskId kiosk = KioskId.of("wmk-fanout-always");
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (FanOut fanOut = new FanOut(1, 2)) {
            fanOut.execute(kiosk, () -> {
                running.countDown();
                awaitQuietly(release);
            });
            running.await();
            fanOut.execute(kiosk, () -> ran.add("message 1"));
            fanOut.execute(kiosk, () -> ran.add("message 2"));
            fanOut.execute(kiosk, () -> ran.add("message 3"));
            fanOut.executeAlways(kiosk, () -> ran.add("replay"));
            fanOut.execute(kiosk, () -> ran.add("message 4"));
            assertEquals(2, fanOut.droppedCount(), "the lane was full for messages 3 and 4, not for the replay");
            release.countDown();
            await().until(() -> ran.size() == 3);
        }
        assertEquals(List.of("message 1", "message 2", "replay"), ran);
    }

    @Test
    void workDeferredToTheBurstsEndRunsOnceWhatWaitedHasRun() throws InterruptedException {
        KioskId kiosk = KioskId.of("wmk-fanout-burst");
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
        assertFalse(FanOut.atBurstEnd(() -> ran.add("off a lane")), "off a lane nothing is deferred");
        try (FanOut fanOut = new FanOut(1, 100)) {
            fanOut.execute(kiosk, () -> {
                running.countDown();
                awaitQuietly(release);
            });
            running.await();
            for (int i = 1; i <= 3; i++) {
                String name = "task " + i;
                fanOut.execute(kiosk, () -> {
                    ran.add(name);
                    if (name.equals("task 1")) {
                        assertTrue(FanOut.atBurstEnd(() -> ran.add("burst's end")));
                    }
                });
            }
            release.countDown();
            await().until(() -> ran.size() == 4);
        }
        assertEquals(List.of("task 1", "task 2", "task 3", "burst's end"), ran);
    }

    @Test
    void inPlaceRunsOnTheCallersThread() {
        String[] thread = new String[1];
        FanOut.inPlace().execute(KioskId.of("wmk-fanout-here"), () -> thread[0] = Thread.currentThread().getName());
        assertEquals(Thread.currentThread().getName(), thread[0]);
    }

    private static int sizeOf(List<Integer> list) {
        synchronized (list) {
            return list.size();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
