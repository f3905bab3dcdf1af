package org.telekiosk.broker.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.viewer.ViewerEvent;
import org.telekiosk.protocol.viewer.ViewerRequest;

class ViewerHubTest {
    final ViewerHub hub = new ViewerHub(WireCodec.json(4096));

    /** A viewer that accepts a fixed number of messages, then reports itself too far behind. */
    static final class FakeViewer implements ViewerSession {
        final List<String> received = new ArrayList<>();
        int capacity;

        FakeViewer(int capacity) {
            this.capacity = capacity;
        }

        @Override
        public String id() {
            return "fake";
        }

        @Override
        public boolean sendText(String json) {
            if (received.size() >= capacity) {
                return false;
            }
            received.add(json);
            return true;
        }
    }

    static Measurement reading(long seq) {
        return new Measurement(KioskId.of("wmk-lab-03"), seq, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE,
                36.5, UcumUnit.CELSIUS, Instant.parse("2026-11-22T10:00:00Z"));
    }

    @Test
    void aSlowViewerMissesReadingsWithoutHoldingBackTheOthers() {
        FakeViewer fast = new FakeViewer(Integer.MAX_VALUE);
        FakeViewer slow = new FakeViewer(2);
        hub.join(fast);
        hub.join(slow);
        for (int seq = 1; seq <= 5; seq++) {
            hub.publish(reading(seq));
        }
        assertEquals(6, fast.received.size(), "welcome and five readings");
        assertEquals(2, slow.received.size());
        assertEquals(6, hub.deliveredCount());
        assertEquals(4, hub.skippedCount());
    }

    @Test
    void everyViewerIsGreetedAndALeftViewerGetsNothingMore() {
        FakeViewer viewer = new FakeViewer(Integer.MAX_VALUE);
        hub.join(viewer);
        assertTrue(viewer.received.getFirst().startsWith("{\"type\":\"welcome\",\"protocolVersion\":1"));
        hub.leave(viewer);
        hub.publish(reading(1));
        assertEquals(1, viewer.received.size());
        assertEquals(0, hub.viewerCount());
    }

    @Test
    void aNewViewerGetsTheLatestReadingOfEachSensorRightAfterTheWelcome() {
        hub.publish(reading(1));
        hub.publish(reading(2));
        Measurement older = new Measurement(KioskId.of("wmk-lab-03"), 3, SensorId.of("mlx90614"),
                LoincCode.BODY_TEMPERATURE, 35.0, UcumUnit.CELSIUS, Instant.parse("2026-11-22T09:00:00Z"));
        hub.publish(older);
        FakeViewer late = new FakeViewer(Integer.MAX_VALUE);
        hub.join(late);
        assertEquals(2, late.received.size(), "welcome and one latest reading");
        assertTrue(late.received.get(1).contains("\"seq\":2"), "a late, older reading does not replace the newest: "
                + late.received.get(1));
    }

    @Test
    void aPingIsAnsweredWithItsNonce() {
        assertEquals(new ViewerEvent.Pong("n"), hub.handle(new ViewerRequest.Ping("n")));
    }
}
