package org.telekiosk.broker.telemetry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.broker.store.StoreDatabase;
import org.telekiosk.broker.viewer.FanOut;
import org.telekiosk.broker.viewer.ViewerFrame;
import org.telekiosk.broker.viewer.ViewerHub;
import org.telekiosk.broker.viewer.ViewerSession;
import org.telekiosk.broker.viewer.VitalsKit;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.Measurement;

/**
 * The viewer fan-out behind the real store: what the store's writer commits is acknowledged there, and ordered,
 * encoded and sent to the viewers on the fan-out's lanes, never on the writer (issue 16).
 */
class ViewerFanOutTest {
    @TempDir
    Path dir;

    final ScheduledExecutorService orderTimer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("vitals-order").daemon().factory());
    final FanOut fanOut = new FanOut(2, 1_024);
    final ViewerHub hub = new ViewerHub(ViewerFrame.text(WireCodec.json(8192)), fanOut, System::nanoTime,
            (delay, task) -> orderTimer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS));
    final VitalsKit kit = new VitalsKit(hub);
    MeasurementStore store;
    StoringForwarder forwarder;

    @BeforeEach
    void open() throws Exception {
        store = MeasurementStore.open(StoreDatabase.sqlite(dir.resolve("telekiosk.db")), Duration.ofMinutes(5),
                kit.clock);
        forwarder = new StoringForwarder(store, hub::publish);
    }

    @AfterEach
    void close() {
        store.close();
        fanOut.close();
        orderTimer.shutdownNow();
    }

    @Test
    void theViewersAreSentTheCommittedReadingsFromTheFanOutNeverFromTheStoresWriter() {
        Consultation room = kit.room(kit.doctor, VitalsKit.KIOSK);
        kit.admit(kit.doctor, room, VitalsKit.KIOSK);
        Recording viewer = new Recording(new CountDownLatch(0));
        kit.watch(viewer, room);

        Instant t = kit.clock.instant();
        // A kiosk's first reading waits once for its order and goes on from the order's timer; the rest follow on.
        forwarder.take(VitalsKit.reading(VitalsKit.KIOSK, 1, t));
        await().until(() -> viewer.readings().size() == 1);
        for (long seq = 2; seq <= 20; seq++) {
            forwarder.take(VitalsKit.reading(VitalsKit.KIOSK, seq, t.plusMillis(seq)));
        }
        await().until(() -> viewer.readings().size() == 20);
        // The first too, which the order's timer let go: the timer hands the giving-up to the kiosk's lane.
        List<String> threads = viewer.threads();
        assertTrue(threads.stream().allMatch(name -> name.startsWith("vitals-fanout-")), threads.toString());
        assertEquals(LongStream.rangeClosed(1, 20).boxed().toList(), viewer.seqs());
    }

    /** The acknowledge-after-commit guarantee does not wait for the viewers: a stuck viewer holds back no ack. */
    @Test
    void aViewerThatDoesNotReturnHoldsBackNeitherTheCommitsNorTheirAcknowledgements() {
        Consultation room = kit.room(kit.doctor, VitalsKit.KIOSK);
        kit.admit(kit.doctor, room, VitalsKit.KIOSK);
        CountDownLatch stuck = new CountDownLatch(1);
        Recording viewer = new Recording(stuck);
        kit.watch(viewer, room);
        try {
            Instant t = kit.clock.instant();
            List<CompletionStage<Void>> acks = new ArrayList<>();
            acks.add(forwarder.take(VitalsKit.reading(VitalsKit.KIOSK, 1, t)));
            await().until(() -> viewer.entered.getCount() == 0);
            for (long seq = 2; seq <= 50; seq++) {
                acks.add(forwarder.take(VitalsKit.reading(VitalsKit.KIOSK, seq, t.plusMillis(seq))));
            }
            await().until(() -> acks.stream().allMatch(a -> a.toCompletableFuture().isDone()));
            acks.forEach(a -> a.toCompletableFuture().join());
            assertEquals(0, viewer.readings().size(), "the viewer is still stuck in its first send");
        } finally {
            stuck.countDown();
        }
        await().until(() -> viewer.readings().size() == 50);
        assertEquals(LongStream.rangeClosed(1, 50).boxed().toList(), viewer.seqs());
    }

    /** Three kiosks' readings through the writer's batches and the lanes: each kiosk's in its order, each once. */
    @Test
    void eachKiosksReadingsReachItsDoctorInTheKiosksOrderAndOnceAcrossTheHop() {
        List<KioskId> kiosks = List.of(VitalsKit.KIOSK, VitalsKit.OTHER_KIOSK, KioskId.of("wmk-lab-05"));
        List<Recording> viewers = new ArrayList<>();
        for (KioskId kiosk : kiosks) {
            Consultation room = kit.room(kit.doctor, kiosk);
            kit.admit(kit.doctor, room, kiosk);
            Recording viewer = new Recording(new CountDownLatch(0));
            kit.watch(viewer, room);
            viewers.add(viewer);
        }
        Instant t = kit.clock.instant();
        for (long seq = 1; seq <= 300; seq++) {
            for (KioskId kiosk : kiosks) {
                forwarder.take(VitalsKit.reading(kiosk, seq, t.plusMillis(seq)));
            }
        }
        await().until(() -> viewers.stream().allMatch(v -> v.readings().size() >= 300));
        for (int i = 0; i < kiosks.size(); i++) {
            assertEquals(LongStream.rangeClosed(1, 300).boxed().toList(), viewers.get(i).seqs(), kiosks.get(i).value());
            String kiosk = "\"kiosk\":\"" + kiosks.get(i).value() + "\"";
            assertTrue(viewers.get(i).readings().stream().allMatch(r -> r.contains(kiosk)));
        }
    }

    /** A viewer that notes each reading and the thread that sent it; the first reading waits for {@code gate}. */
    static final class Recording implements ViewerSession {
        final CountDownLatch gate;
        final CountDownLatch entered = new CountDownLatch(1);
        private final List<String> readings = new ArrayList<>();
        private final List<String> threads = new ArrayList<>();

        Recording(CountDownLatch gate) {
            this.gate = gate;
        }

        @Override
        public String id() {
            return "recording";
        }

        @Override
        public boolean sendText(String json) {
            if (!json.startsWith("{\"type\":\"reading\"")) {
                return true;
            }
            entered.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                readings.add(json);
                threads.add(Thread.currentThread().getName());
            }
            return true;
        }

        synchronized List<String> readings() {
            return List.copyOf(readings);
        }

        synchronized List<String> threads() {
            return List.copyOf(threads);
        }

        synchronized List<Long> seqs() {
            return readings.stream().map(r -> Long.parseLong(r.replaceFirst(".*\"seq\":(\\d+).*", "$1"))).toList();
        }
    }
}
