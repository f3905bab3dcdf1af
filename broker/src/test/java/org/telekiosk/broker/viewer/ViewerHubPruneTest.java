package org.telekiosk.broker.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telekiosk.broker.viewer.VitalsKit.KIOSK;
import static org.telekiosk.broker.viewer.VitalsKit.OTHER_KIOSK;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.viewer.VitalsKit.FakeViewer;
import org.telekiosk.protocol.codec.WireCodec;

/**
 * What the hub keeps per kiosk does not grow with every kiosk ever seen: {@link ViewerHub#prune} on a fake monotonic
 * clock and a timer the test runs by hand.
 */
class ViewerHubPruneTest {
    static final Duration KEEP = Duration.ofHours(24);

    final VitalsKit kit = new VitalsKit();
    final AtomicLong now = new AtomicLong();
    final List<Runnable> timers = new ArrayList<>();
    final ViewerHub hub = new ViewerHub(WireCodec.json(8192), now::get, (delay, task) -> timers.add(task));

    ViewerHubPruneTest() {
        kit.stores.calls().subscribe(hub);
    }

    /** Publishes and lets the first message of a kiosk's line wait its once (the timer runs at once here). */
    void publish(org.telekiosk.protocol.telemetry.KioskMessage message) {
        hub.publish(message);
        now.addAndGet(ViewerHub.ORDER_WAIT.toNanos());
        List.copyOf(timers).forEach(t -> {
            timers.remove(t);
            t.run();
        });
    }

    FakeViewer watch(Consultation room) {
        FakeViewer viewer = new FakeViewer();
        hub.join(viewer, new ViewerPrincipal.Doctor(room.id()), kit.access::openCalls);
        return viewer;
    }

    @Test
    void aKioskSilentForTheKeepTimeIsForgottenAndNoLongerReplayed() {
        Consultation room = kit.room(kit.doctor, KIOSK);
        kit.admit(kit.doctor, room, KIOSK);
        publish(kit.reading(KIOSK, 1));
        now.addAndGet(KEEP.minusSeconds(1).toNanos());
        assertEquals(0, hub.prune(KEEP, k -> false));
        assertEquals(1, watch(room).ofType("reading").size(), "still replayed within the keep time");

        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertEquals(1, hub.prune(KEEP, k -> false));
        assertEquals(0, hub.keptKioskCount());
        assertEquals(0, hub.order().orElseThrow().kioskCount(), "its order is long idle too");
        assertEquals(0, watch(room).ofType("reading").size());

        kit.clock.advance(Duration.ofSeconds(1));
        publish(kit.reading(KIOSK, 2));
        FakeViewer again = watch(room);
        assertEquals(1, again.ofType("reading").size(), "heard again: kept again");
        assertTrue(again.ofType("reading").getFirst().contains("\"seq\":2"), again.received.toString());
    }

    @Test
    void aRevokedKioskIsForgottenAtOnceAndTheOthersAreKept() {
        Consultation room = kit.room(kit.doctor, KIOSK);
        Consultation other = kit.room(kit.otherDoctor, OTHER_KIOSK);
        kit.admit(kit.doctor, room, KIOSK);
        kit.admit(kit.otherDoctor, other, OTHER_KIOSK);
        publish(kit.reading(KIOSK, 1));
        publish(kit.reading(OTHER_KIOSK, 1));
        assertEquals(2, hub.keptKioskCount());

        assertEquals(1, hub.prune(KEEP, KIOSK::equals));
        assertEquals(0, watch(room).ofType("reading").size());
        assertEquals(1, watch(other).ofType("reading").size());
    }

    @Test
    void aKioskInUseKeepsItsOrderAndAnIdleOneLosesIt() {
        publish(kit.reading(KIOSK, 1));
        publish(kit.reading(OTHER_KIOSK, 1));
        now.addAndGet(ViewerHub.ORDER_IDLE.minusSeconds(1).toNanos());
        hub.publish(kit.reading(KIOSK, 2)); // in order: goes through at once
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        hub.prune(KEEP, k -> false);
        assertEquals(1, hub.order().orElseThrow().kioskCount(), "the idle kiosk's order is dropped");
        assertEquals(2, hub.keptKioskCount(), "its latest readings are kept for the replays");
    }
}
