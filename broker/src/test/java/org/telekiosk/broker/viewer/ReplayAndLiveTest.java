package org.telekiosk.broker.viewer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.WaveformBatch;
import org.telekiosk.protocol.telemetry.Signal;

/**
 * A viewer that joins while its kiosk's readings flow (issue 16): the replay of the latest values and the live
 * messages meet on the fan-out, and the viewer must get each reading at most once, in the kiosk's order, replay first,
 * with nothing lost between. No sleeping: the fan-out's lane is held and released with latches, and the order's timer
 * is run by hand.
 */
class ReplayAndLiveTest {
    final AtomicLong now = new AtomicLong();
    final List<Runnable> timers = new ArrayList<>();
    final FanOut fanOut = new FanOut(1, 1_024);
    final ViewerHub hub = new ViewerHub(ViewerFrame.text(WireCodec.json(8192)), fanOut, now::get,
            (delay, task) -> {
                synchronized (timers) {
                    timers.add(task);
                }
            });
    final VitalsKit kit = new VitalsKit(hub);
    final Consultation room = kit.room(kit.doctor, VitalsKit.KIOSK);
    final Instant t = kit.clock.instant();

    @AfterEach
    void close() {
        fanOut.close();
    }

    /**
     * The widest window in which a live reading can overtake the replay: the replay's send of the older reading, if it
     * is made anywhere but on the kiosk's lane, is held until the lane has sent the newer one live. On the lane itself
     * nothing can overtake it (the live reading waits behind it), so it is not held there.
     */
    @Test
    void aViewerThatJoinsWhileReadingsFlowGetsTheReplayThenTheLiveReadingsOnceAndInOrder() throws Exception {
        kit.admit(kit.doctor, room, VitalsKit.KIOSK);
        Thread lane = laneThread();
        firstReading();
        CountDownLatch replayHeld = new CountDownLatch(1);
        CountDownLatch liveSent = new CountDownLatch(1);
        Recording viewer = new Recording() {
            @Override
            void beforeReading(long seq) throws InterruptedException {
                if (seq == 1 && Thread.currentThread() != lane) {
                    replayHeld.countDown();
                    liveSent.await();
                }
            }

            @Override
            void afterReading(long seq) {
                if (seq == 2) {
                    liveSent.countDown();
                }
            }
        };
        CompletableFuture<Void> joined = CompletableFuture.runAsync(() -> kit.watch(viewer, room));
        await().until(() -> replayHeld.getCount() == 0 || viewer.seqs().contains(1L));

        hub.publish(VitalsKit.reading(VitalsKit.KIOSK, 2, t.plusMillis(2)));
        await().until(() -> viewer.seqs().size() == 2);
        joined.get();
        assertEquals(List.of(1L, 2L), viewer.seqs(), "the replay, then the live reading, each once");
    }

    /**
     * What the lane takes between the viewer's joining and its replay (a reading, a waveform batch, a status) is not
     * sent before the replay: the replay carries the reading and the status, the batch was before the viewer's time.
     */
    @Test
    void whatTheLaneTakesBeforeAViewersReplayReachesItThroughTheReplayAndOnlyThere() throws Exception {
        kit.admit(kit.doctor, room, VitalsKit.KIOSK);
        firstReading();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        fanOut.execute(VitalsKit.KIOSK, () -> {
            held.countDown();
            awaitQuietly(release);
        });
        held.await();
        // Handed in while the lane is held: behind it, before the replay.
        hub.publish(VitalsKit.reading(VitalsKit.KIOSK, 2, t.plusMillis(2)));
        hub.publish(new WaveformBatch(VitalsKit.KIOSK, 3, SensorId.of("ads1115"), Signal.ECG, UcumUnit.MILLIVOLT,
                250, t.plusMillis(3), 0.001, List.of(1, 2, 3)));
        hub.publish(new KioskStatus(VitalsKit.KIOSK, t.plusMillis(4), List.of(), 0, 0));
        Recording viewer = new Recording();
        kit.watch(viewer, room);
        // Handed in after the viewer joined: after its replay, live.
        hub.publish(VitalsKit.reading(VitalsKit.KIOSK, 4, t.plusMillis(5)));
        release.countDown();
        await().until(() -> viewer.seqs().contains(4L));
        // The replay, oldest first (reading 2, then the status), then reading 4 live; reading 1 was superseded by 2.
        assertEquals(List.of("welcome", "reading", "status", "reading"), viewer.types(), viewer.texts().toString());
        assertEquals(List.of(2L, 4L), viewer.seqs());
    }

    /** A kiosk's first reading waits once for its order; the timer gives the wait up and the lane sends it. */
    private void firstReading() throws InterruptedException {
        hub.publish(VitalsKit.reading(VitalsKit.KIOSK, 1, t.plusMillis(1)));
        drainLane();
        now.addAndGet(ViewerHub.ORDER_WAIT.toNanos());
        List<Runnable> due;
        synchronized (timers) {
            due = List.copyOf(timers);
            timers.clear();
        }
        due.forEach(Runnable::run);
        drainLane();
    }

    /** Waits until the lane has run everything handed to it so far. */
    private void drainLane() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        fanOut.execute(VitalsKit.KIOSK, done::countDown);
        done.await();
    }

    private Thread laneThread() throws InterruptedException {
        AtomicReference<Thread> lane = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        fanOut.execute(VitalsKit.KIOSK, () -> {
            lane.set(Thread.currentThread());
            done.countDown();
        });
        done.await();
        assertTrue(lane.get().getName().startsWith("vitals-fanout-"));
        return lane.get();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A viewer that notes every message; a reading passes {@link #beforeReading} and {@link #afterReading}. */
    static class Recording implements ViewerSession {
        private final List<String> texts = new ArrayList<>();

        void beforeReading(long seq) throws InterruptedException {
        }

        void afterReading(long seq) {
        }

        @Override
        public String id() {
            return "recording";
        }

        @Override
        public boolean sendText(String json) {
            boolean reading = json.startsWith("{\"type\":\"reading\"");
            long seq = reading ? seqOf(json) : 0;
            try {
                if (reading) {
                    beforeReading(seq);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            synchronized (this) {
                texts.add(json);
            }
            if (reading) {
                afterReading(seq);
            }
            return true;
        }

        synchronized List<String> texts() {
            return List.copyOf(texts);
        }

        List<String> types() {
            return texts().stream().map(j -> j.replaceFirst("^\\{\"type\":\"([a-z]+)\".*$", "$1")).toList();
        }

        List<Long> seqs() {
            return texts().stream().filter(j -> j.startsWith("{\"type\":\"reading\"")).map(Recording::seqOf).toList();
        }

        private static long seqOf(String json) {
            return Long.parseLong(json.replaceFirst(".*\"seq\":(\\d+).*", "$1"));
        }
    }
}
