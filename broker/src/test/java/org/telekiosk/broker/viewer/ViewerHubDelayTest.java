package org.telekiosk.broker.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * The hub tells how long each reading took from its hand-in (right after its commit) to its viewers' sockets, the
 * wait for its kiosk's order included ({@code telekiosk_viewer_delay}): on a fake monotonic clock and a timer the test
 * runs by hand.
 */
class ViewerHubDelayTest {
    final VitalsKit kit = new VitalsKit();
    final AtomicLong now = new AtomicLong();
    final List<Runnable> timers = new ArrayList<>();
    final ViewerHub hub = new ViewerHub(WireCodec.json(8192), now::get, (delay, task) -> timers.add(task));
    final List<Duration> delays = new ArrayList<>();
    final List<String> waits = new ArrayList<>();

    ViewerHubDelayTest() {
        kit.stores.calls().subscribe(hub);
        hub.observeDelays(nanos -> delays.add(Duration.ofNanos(nanos)));
        hub.order().orElseThrow().observeWaits((cause, nanos) -> waits.add(cause.code()));
    }

    void elapse(Duration d) {
        now.addAndGet(d.toNanos());
        List.copyOf(timers).forEach(t -> {
            timers.remove(t);
            t.run();
        });
    }

    @Test
    void aReadingHeldForItsKiosksOrderShowsTheHoldInItsDelayAndOneWithoutViewersIsNotTold() {
        Consultation room = kit.room(kit.doctor, KIOSK);
        kit.admit(kit.doctor, room, KIOSK);
        FakeViewer viewer = new FakeViewer();
        hub.join(viewer, new ViewerPrincipal.Doctor(room.id()), kit.access::openCalls);

        hub.publish(kit.reading(KIOSK, 1)); // the kiosk's first: waits out the start
        hub.publish(kit.reading(OTHER_KIOSK, 1)); // nobody watches it
        elapse(ViewerHub.ORDER_WAIT);
        hub.publish(kit.reading(KIOSK, 3)); // 2 is not there yet
        now.addAndGet(Duration.ofMillis(40).toNanos());
        hub.publish(kit.reading(KIOSK, 2));

        assertEquals(3, viewer.ofType("reading").size(), viewer.received.toString());
        assertEquals(List.of(ViewerHub.ORDER_WAIT, Duration.ZERO, Duration.ofMillis(40)), delays);
        assertEquals(List.of("first", "first", "gap-closed"), waits, "the other kiosk's wait is the order's");
    }
}
