package org.telekiosk.broker.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.audit.InMemoryAuditLog;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.signaling.SignalingKit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.signaling.CloseCodes;
import org.telekiosk.protocol.signaling.Credential;
import org.telekiosk.protocol.signaling.SignalError;
import org.telekiosk.protocol.viewer.ViewerEvent;
import org.telekiosk.protocol.viewer.ViewerRequest;

/**
 * One doctor account holds at most {@code viewer.max-sockets-per-account} vitals sockets (5,000 were accepted
 * before), the next is refused with {@code too-many-sockets} and close 4429, and a closed socket gives its place
 * back; a socket sending faster than {@code viewer.rate-per-second} past {@code viewer.burst} is closed with
 * {@code rate-limited}, 4429.
 */
class VitalsSocketLimitsTest {
    static final ViewerLimits LIMITS = new ViewerLimits(3, 2, 5);

    final SignalingKit kit = new SignalingKit();
    final VitalsAccess access = new VitalsAccess(kit.sessions, kit.consultations, kit.clock, new InMemoryAuditLog(),
            LIMITS);
    final Consultation consultation = kit.consultation(kit.doctor);

    ViewerRequest.Hello hello(SignalingKit.Staff staff, Consultation of) {
        return new ViewerRequest.Hello(ViewerRequest.PROTOCOL_VERSION, new Credential.Session(
                staff.session().value(), of.id().toString()));
    }

    @Test
    void anAccountPastItsSocketsIsRefusedWithTooManySocketsAndAClosedSocketGivesItsPlaceBack() {
        List<VitalsAccess.Verdict.Granted> granted = new ArrayList<>();
        for (int i = 0; i < LIMITS.maxSocketsPerAccount(); i++) {
            granted.add(assertInstanceOf(VitalsAccess.Verdict.Granted.class,
                    access.authorize(hello(kit.doctor, consultation), Optional.empty())));
        }
        VitalsAccess.Verdict.Denied denied = assertInstanceOf(VitalsAccess.Verdict.Denied.class,
                access.authorize(hello(kit.doctor, consultation), Optional.empty()));
        assertEquals(SignalError.TOO_MANY_SOCKETS, denied.error());
        assertEquals(CloseCodes.TOO_MANY, denied.error().closeCode());

        Consultation others = kit.consultation(kit.otherDoctor);
        assertInstanceOf(VitalsAccess.Verdict.Granted.class, access.authorize(hello(kit.otherDoctor, others),
                Optional.empty()), "another account is not affected");

        granted.getFirst().release().run();
        granted.getFirst().release().run();
        assertInstanceOf(VitalsAccess.Verdict.Granted.class,
                access.authorize(hello(kit.doctor, consultation), Optional.empty()));
        assertInstanceOf(VitalsAccess.Verdict.Denied.class,
                access.authorize(hello(kit.doctor, consultation), Optional.empty()), "a release counts once");
    }

    /** The socket as the connection sees it: what was sent, and the close. */
    static final class RecordingSocket implements VitalsConnection.Socket {
        final List<ViewerEvent> sent = new ArrayList<>();
        int closeCode;

        @Override
        public synchronized void send(ViewerEvent event) {
            sent.add(event);
        }

        @Override
        public synchronized void close(int code, String reason) {
            closeCode = code;
        }

        @Override
        public synchronized boolean isOpen() {
            return closeCode == 0;
        }
    }

    @Test
    void aSocketOverItsMessageRateIsClosedWithRateLimitedAndOneWithinItIsNot() {
        AtomicLong nanos = new AtomicLong();
        RecordingSocket socket = new RecordingSocket();
        VitalsConnection connection = new VitalsConnection(
                new ViewerHub(WireCodec.json(8192)), access, Runnable::run, new ViewerSession() {
                    @Override
                    public String id() {
                        return "s1";
                    }

                    @Override
                    public boolean sendText(String json) {
                        return true;
                    }
                }, socket, Optional.empty(), nanos::get);
        connection.receive(hello(kit.doctor, consultation));
        for (int i = 0; i < LIMITS.burst() - 1; i++) {
            connection.receive(new ViewerRequest.Ping("n" + i));
        }
        assertEquals(0, socket.closeCode, "the burst is allowed");
        nanos.addAndGet(1_000_000_000L); // one second: two more tokens
        connection.receive(new ViewerRequest.Ping("a"));
        connection.receive(new ViewerRequest.Ping("b"));
        assertEquals(0, socket.closeCode, "the rate is allowed");

        connection.receive(new ViewerRequest.Ping("c"));
        assertEquals(CloseCodes.TOO_MANY, socket.closeCode);
        assertTrue(socket.sent.getLast() instanceof ViewerEvent.Error error
                && error.code().equals(SignalError.RATE_LIMITED.code()), socket.sent.getLast().toString());
        connection.closed();
        assertInstanceOf(VitalsAccess.Verdict.Granted.class,
                access.authorize(hello(kit.doctor, consultation), Optional.empty()));
    }
}
