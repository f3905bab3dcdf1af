package org.telekiosk.broker.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telekiosk.broker.viewer.VitalsKit.KIOSK;
import static org.telekiosk.broker.viewer.VitalsKit.OTHER_KIOSK;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.consultation.Joined;
import org.telekiosk.broker.viewer.VitalsKit.FakeViewer;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.viewer.ViewerEvent;
import org.telekiosk.protocol.viewer.ViewerRequest;

/** Routing by session (issue 7): the hub on in-memory consultation services, with a fake clock. */
class ViewerHubTest {
    final VitalsKit kit = new VitalsKit();
    final ViewerHub hub = kit.hub;

    @Test
    void aKioskReadingReachesOnlyTheViewersOfTheConsultationWithThatKioskInTheCall() {
        Consultation room = kit.room(kit.doctor, KIOSK);
        Consultation otherRoom = kit.room(kit.otherDoctor, OTHER_KIOSK);
        kit.admit(kit.doctor, room, KIOSK);
        FakeViewer mine = new FakeViewer();
        FakeViewer other = new FakeViewer();
        kit.watch(mine, room);
        kit.watch(other, otherRoom);

        hub.publish(kit.reading(KIOSK, 1));
        assertEquals(1, mine.ofType("reading").size());
        assertEquals(0, other.ofType("reading").size(), "the other consultation has another kiosk");
    }

    /**
     * The same reading twice — a node's own copy and one another node relayed, or the live reading and the replay of
     * a join that raced it (ExternalMqttTwoNodesIntegrationTest saw seq 21 twice on the doctor's socket) — reaches a
     * viewer once; a reading older than one the viewer has of the same sensor is not sent either.
     */
    @Test
    void aViewerGetsEachReadingOnceWhateverPathBringsItTwice() {
        Consultation room = kit.room(kit.doctor, KIOSK);
        kit.admit(kit.doctor, room, KIOSK);
        FakeViewer viewer = new FakeViewer();
        kit.watch(viewer, room);
        kit.clock.advance(Duration.ofSeconds(1));
        var first = kit.reading(KIOSK, 1);
        kit.clock.advance(Duration.ofSeconds(1));
        var second = kit.reading(KIOSK, 2);
        hub.publish(second);
        hub.publish(second);
        hub.publish(first);
        assertEquals(1, viewer.ofType("reading").size(), viewer.received.toString());
        assertTrue(viewer.ofType("reading").getFirst().contains("\"seq\":2"), viewer.received.toString());

        FakeViewer late = new FakeViewer();
        kit.watch(late, room);
        hub.publish(second);
        assertEquals(1, late.ofType("reading").size(), "the replay, and not the same reading again live: "
                + late.received);
    }

    @Test
    void aKioskPageSeesItsOwnKioskWhileItsPatientIsInACallAndOnlyReadingsSinceTheAdmission() {
        Consultation room = kit.room(kit.doctor, KIOSK);
        Consultation otherRoom = kit.room(kit.otherDoctor, OTHER_KIOSK);
        FakeViewer page = new FakeViewer();
        kit.watchAsKioskPage(page, KIOSK);
        hub.publish(kit.reading(KIOSK, 1));
        assertEquals(0, page.ofType("reading").size(), "nobody in a call at this kiosk yet");

        kit.clock.advance(Duration.ofSeconds(1));
        Joined patient = kit.admit(kit.doctor, room, KIOSK);
        kit.admit(kit.otherDoctor, otherRoom, OTHER_KIOSK);
        hub.publish(kit.reading(KIOSK, 2));
        hub.publish(kit.reading(OTHER_KIOSK, 1));
        assertEquals(1, page.ofType("reading").size(), "its own kiosk only: " + page.received);
        assertTrue(page.ofType("reading").getFirst().contains("\"seq\":2"), page.received.toString());

        FakeViewer reopened = new FakeViewer();
        kit.watchAsKioskPage(reopened, KIOSK);
        assertEquals(1, reopened.ofType("reading").size(), "a reloaded page gets this patient's latest reading");
        assertTrue(reopened.ofType("reading").getFirst().contains("\"seq\":2"));

        kit.leave(patient);
        hub.publish(kit.reading(KIOSK, 3));
        assertEquals(1, page.ofType("reading").size(), "after the patient left: " + page.received);
        FakeViewer next = new FakeViewer();
        kit.watchAsKioskPage(next, KIOSK);
        assertEquals(0, next.ofType("reading").size(), "the previous patient's values: " + next.received);
    }

    @Test
    void nothingIsRoutedBeforeTheAdmissionAndEverythingFromItOn() {
        Consultation room = kit.room(kit.doctor, KIOSK);
        FakeViewer viewer = new FakeViewer();
        kit.watch(viewer, room);
        hub.publish(kit.reading(KIOSK, 1));
        assertEquals(0, viewer.ofType("reading").size(), "nobody is in the call yet");

        kit.clock.advance(Duration.ofSeconds(1));
        kit.admit(kit.doctor, room, KIOSK);
        hub.publish(kit.reading(KIOSK, 2));
        assertEquals(1, viewer.ofType("reading").size());
        assertTrue(viewer.ofType("reading").getFirst().contains("\"seq\":2"), viewer.received.toString());
    }

    @Test
    void whenThePatientLeavesOrTheConsultationEndsNoMoreReadingsArrive() {
        Consultation room = kit.room(kit.doctor, KIOSK);
        Joined patient = kit.admit(kit.doctor, room, KIOSK);
        FakeViewer viewer = new FakeViewer();
        kit.watch(viewer, room);
        hub.publish(kit.reading(KIOSK, 1));
        kit.leave(patient);
        hub.publish(kit.reading(KIOSK, 2));
        assertEquals(1, viewer.ofType("reading").size(), "after leaving: " + viewer.received);

        kit.clock.advance(Duration.ofSeconds(1));
        kit.admit(kit.doctor, room, KIOSK);
        hub.publish(kit.reading(KIOSK, 3));
        assertEquals(2, viewer.ofType("reading").size());
        kit.end(kit.doctor, room);
        hub.publish(kit.reading(KIOSK, 4));
        assertEquals(2, viewer.ofType("reading").size(), "after the end: " + viewer.received);
    }

    @Test
    void aJoiningViewerGetsTheLatestReadingsOfThisPatientButNeverThePreviousPatients() {
        Consultation room = kit.room(kit.doctor, KIOSK);
        Joined first = kit.admit(kit.doctor, room, KIOSK);
        hub.publish(kit.reading(KIOSK, 1));
        kit.leave(first);
        kit.clock.advance(Duration.ofMinutes(1));
        kit.admit(kit.doctor, room, KIOSK);

        FakeViewer late = new FakeViewer();
        kit.watch(late, room);
        assertEquals("welcome", type(late.received.getFirst()));
        assertEquals(0, late.ofType("reading").size(), "the previous patient's reading: " + late.received);

        kit.clock.advance(Duration.ofSeconds(5));
        hub.publish(kit.reading(KIOSK, 2));
        FakeViewer later = new FakeViewer();
        kit.watch(later, room);
        assertEquals(1, later.ofType("reading").size(), "this patient's latest reading is replayed");
        assertTrue(later.ofType("reading").getFirst().contains("\"seq\":2"));
    }

    @Test
    void anAdmissionReplaysTheKiosksReadingsTakenSinceItToTheWatchingDoctor() {
        Consultation room = kit.room(kit.doctor, KIOSK);
        FakeViewer viewer = new FakeViewer();
        kit.watch(viewer, room);
        hub.publish(kit.reading(KIOSK, 1)); // before the admission: someone else's, or nobody's
        kit.clock.advance(Duration.ofSeconds(1));
        kit.admit(kit.doctor, room, KIOSK);
        assertEquals(0, viewer.ofType("reading").size(), viewer.received.toString());
        assertEquals(1, hub.viewerCount());
    }

    @Test
    void aReadingTakenBeforeTheAdmissionButArrivingLateIsNotRouted() {
        Consultation room = kit.room(kit.doctor, KIOSK);
        var before = kit.clock.instant();
        kit.clock.advance(Duration.ofSeconds(10));
        kit.admit(kit.doctor, room, KIOSK);
        FakeViewer viewer = new FakeViewer();
        kit.watch(viewer, room);
        hub.publish(VitalsKit.reading(KIOSK, 7, before)); // held in the kiosk's outbox, sent after a reconnect
        assertEquals(0, viewer.ofType("reading").size());
    }

    @Test
    void aViewerJoiningAfterTheAdmissionIsRoutedFromTheStoredCallsEvenIfTheHubMissedTheEvent() {
        VitalsKit restarted = new VitalsKit();
        Consultation room = restarted.room(restarted.doctor, KIOSK);
        restarted.admit(restarted.doctor, room, KIOSK);
        // A hub that was not subscribed when the admission happened (a broker restart): it reads the stored calls.
        ViewerHub fresh = new ViewerHub(WireCodec.json(8192));
        FakeViewer viewer = new FakeViewer();
        fresh.join(viewer, new ViewerPrincipal.Doctor(room.id()), restarted.access::openCalls);
        fresh.publish(restarted.reading(KIOSK, 1));
        assertEquals(1, viewer.ofType("reading").size());
    }

    @Test
    void aSlowViewerMissesReadingsWithoutHoldingBackTheOthers() {
        Consultation room = kit.room(kit.doctor, KIOSK);
        kit.admit(kit.doctor, room, KIOSK);
        FakeViewer fast = new FakeViewer();
        FakeViewer slow = new FakeViewer(2);
        kit.watch(fast, room);
        kit.watch(slow, room);
        for (int seq = 1; seq <= 5; seq++) {
            hub.publish(kit.reading(KIOSK, seq));
        }
        assertEquals(6, fast.received.size(), "welcome and five readings");
        assertEquals(2, slow.received.size());
        assertEquals(4, hub.skippedCount());
    }

    @Test
    void aLeftViewerGetsNothingMore() {
        Consultation room = kit.room(kit.doctor, KIOSK);
        kit.admit(kit.doctor, room, KIOSK);
        FakeViewer viewer = new FakeViewer();
        kit.watch(viewer, room);
        assertTrue(viewer.received.getFirst().startsWith("{\"type\":\"welcome\",\"protocolVersion\":2"));
        hub.leave(viewer);
        hub.publish(kit.reading(KIOSK, 1));
        assertEquals(1, viewer.received.size());
        assertEquals(0, hub.viewerCount());
    }

    @Test
    void aPingIsAnsweredWithItsNonce() {
        assertEquals(Optional.of(new ViewerEvent.Pong("n")), hub.handle(new ViewerRequest.Ping("n")));
    }

    static String type(String json) {
        return json.replaceFirst("^\\{\"type\":\"([a-z]+)\".*$", "$1");
    }
}
