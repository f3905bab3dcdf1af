package org.telekiosk.broker.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.protocol.signaling.Credential;
import org.telekiosk.protocol.viewer.ViewerEvent;
import org.telekiosk.protocol.viewer.ViewerRequest;

/** One vitals socket's life: a request the browser sends as soon as it has the welcome is answered, never refused. */
class VitalsConnectionTest {
    final VitalsKit kit = new VitalsKit();
    final List<ViewerEvent> events = new CopyOnWriteArrayList<>();
    final VitalsConnection.Socket socket = new VitalsConnection.Socket() {
        @Override
        public void send(ViewerEvent event) {
            events.add(event);
        }

        @Override
        public void close(int code, String reason) {
            events.add(new ViewerEvent.Error("closed " + code, reason));
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    };

    @Test
    void aPingThatArrivesTheMomentTheWelcomeLeavesIsAnswered() {
        Consultation room = kit.room(kit.doctor, VitalsKit.KIOSK);
        AtomicReference<VitalsConnection> connection = new AtomicReference<>();
        // The browser answers the welcome with a ping at once; on the event loop that ping may be read while the
        // executor thread that checked the hello is still between sending the welcome and leaving join().
        ViewerSession session = new ViewerSession() {
            @Override
            public String id() {
                return "test";
            }

            @Override
            public boolean sendText(String json) {
                if (json.startsWith("{\"type\":\"welcome\"")) {
                    connection.get().receive(new ViewerRequest.Ping("abc-123"));
                }
                return true;
            }
        };
        connection.set(new VitalsConnection(kit.hub, kit.access, Runnable::run, session, socket, Optional.empty()));

        connection.get().receive(new ViewerRequest.Hello(ViewerRequest.PROTOCOL_VERSION,
                new Credential.Session(kit.login(kit.doctor).value(), room.id().toString())));

        assertEquals(List.of(new ViewerEvent.Pong("abc-123")), events);
    }

    @Test
    void aPingBeforeTheHelloIsCheckedGetsAnError() {
        Consultation room = kit.room(kit.doctor, VitalsKit.KIOSK);
        List<Runnable> pending = new CopyOnWriteArrayList<>();
        VitalsConnection connection = new VitalsConnection(kit.hub, kit.access, pending::add,
                new VitalsKit.FakeViewer(), socket, Optional.empty());

        connection.receive(new ViewerRequest.Hello(ViewerRequest.PROTOCOL_VERSION,
                new Credential.Session(kit.login(kit.doctor).value(), room.id().toString())));
        connection.receive(new ViewerRequest.Ping("early"));
        pending.forEach(Runnable::run);
        connection.receive(new ViewerRequest.Ping("late"));

        assertEquals(List.of(new ViewerEvent.Error("out-of-order", "wait for the answer to hello"),
                new ViewerEvent.Pong("late")), events);
    }
}
