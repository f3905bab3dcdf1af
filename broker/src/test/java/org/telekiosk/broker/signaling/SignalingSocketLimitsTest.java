package org.telekiosk.broker.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.telekiosk.broker.signaling.SignalingKit.doctorHello;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.testing.MutableClock;
import org.telekiosk.broker.turn.IceConfig;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.signaling.CloseCodes;
import org.telekiosk.protocol.signaling.Credential;
import org.telekiosk.protocol.signaling.SignalEvent;
import org.telekiosk.protocol.signaling.SignalRequest;

/**
 * {@code signal.max-sockets-per-account}: a flood of signaling sockets from one login is refused with
 * {@code too-many-sockets}, close 4429; other accounts are unaffected, a closed socket gives its place back and a
 * newer socket for the same consultation replaces the older without needing a place of its own.
 */
class SignalingSocketLimitsTest {
    static final int MAX = 3;

    final SignalingKit kit = new SignalingKit(MutableClock.startingAt("2026-03-02T08:00:00Z"),
            new SignalingConfig(65_536, 20, 200, 256, MAX),
            new IceConfig(List.of(), List.of(), "all", Duration.ofHours(1), Optional.empty()));

    record Socket(FakePeer peer, Connection connection) {}

    Socket doctorJoins(SignalingKit.Staff staff, Consultation consultation) {
        FakePeer peer = new FakePeer(SignalingKit.PATIENT_ADDRESS, Optional.empty());
        Connection connection = kit.service.connect(peer);
        connection.receive(doctorHello(staff, consultation));
        return new Socket(peer, connection);
    }

    static String error(FakePeer peer) {
        return peer.all(SignalEvent.Error.class).stream().map(SignalEvent.Error::code).findFirst().orElse("");
    }

    @Test
    void oneLoginPastItsSocketsIsRefusedWithTooManySocketsAndOtherAccountsAreNot() {
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < MAX; i++) {
            Socket socket = doctorJoins(kit.doctor, kit.consultation(kit.doctor));
            assertEquals(1, socket.peer().all(SignalEvent.Welcome.class).size(), "socket " + i);
            held.add(socket);
        }
        Socket refused = doctorJoins(kit.doctor, kit.consultation(kit.doctor));
        assertEquals("too-many-sockets", error(refused.peer()));
        assertEquals(CloseCodes.TOO_MANY, refused.peer().closeCode());
        assertEquals(4429, CloseCodes.TOO_MANY);
        assertEquals(0, refused.peer().all(SignalEvent.Welcome.class).size());

        Socket other = doctorJoins(kit.otherDoctor, kit.consultation(kit.otherDoctor));
        assertEquals(1, other.peer().all(SignalEvent.Welcome.class).size(), "another account is not affected");

        held.getFirst().connection().closed();
        Socket again = doctorJoins(kit.doctor, kit.consultation(kit.doctor));
        assertEquals(1, again.peer().all(SignalEvent.Welcome.class).size(), "a closed socket gave its place back");
        assertEquals(0, again.peer().closeCode());
    }

    @Test
    void aNewerSocketForTheSameConsultationReplacesTheOlderEvenAtTheCap() {
        List<Consultation> consultations = new ArrayList<>();
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < MAX; i++) {
            consultations.add(kit.consultation(kit.doctor));
            held.add(doctorJoins(kit.doctor, consultations.getLast()));
        }
        Socket replacing = doctorJoins(kit.doctor, consultations.getFirst());
        assertEquals(1, replacing.peer().all(SignalEvent.Welcome.class).size());
        assertEquals(CloseCodes.REPLACED, held.getFirst().peer().closeCode());
        held.getFirst().connection().closed();

        assertEquals("too-many-sockets", error(doctorJoins(kit.doctor, kit.consultation(kit.doctor)).peer()),
                "the replacement holds the replaced socket's place: still at the cap");
        replacing.connection().closed();
        assertEquals(1, doctorJoins(kit.doctor, kit.consultation(kit.doctor)).peer()
                .all(SignalEvent.Welcome.class).size());
    }

    @Test
    void aKioskPageCallingInOverAndOverIsHeldToTheSameCap() {
        KioskId kiosk = KioskId.of("wmk-lab-03");
        kit.roomConsultation(kit.doctor, kiosk);
        for (int i = 0; i <= MAX; i++) {
            FakePeer page = new FakePeer(SignalingKit.PATIENT_ADDRESS, Optional.of(kit.kioskPageSession(kiosk)));
            kit.service.connect(page).receive(new SignalRequest.Hello(1, new Credential.KioskCookie("")));
            if (i < MAX) {
                assertEquals(1, page.all(SignalEvent.Welcome.class).size(), "call-in " + i);
            } else {
                assertEquals("too-many-sockets", error(page));
                assertEquals(CloseCodes.TOO_MANY, page.closeCode());
            }
        }
    }
}
