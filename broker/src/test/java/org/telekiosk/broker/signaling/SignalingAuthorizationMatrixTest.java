package org.telekiosk.broker.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.signaling.Credential;
import org.telekiosk.protocol.signaling.Readiness;
import org.telekiosk.protocol.signaling.SignalEvent;
import org.telekiosk.protocol.signaling.SignalRequest;

/**
 * The signaling part of issue 3's authorization matrix: every message a browser can send × every role (anonymous,
 * patient with a code, patient in the call, another doctor, the doctor of the consultation, technician, admin, and
 * the {@code kiosk} credential: a kiosk's page with its kiosk page session, called into its room consultation; a
 * kiosk page whose kiosk has no open room consultation; a staff session that tries the kiosk credential).
 * "ok" means accepted without an error; anything else is the error code the sender gets. A role that cannot get past
 * {@code hello} sends every other message unauthenticated.
 */
class SignalingAuthorizationMatrixTest {
    private static final String OK = "ok";
    private static final KioskId KIOSK = KioskId.of("wmk-lab-03");

    /** Role → (message → expected outcome). */
    private static final Map<String, Map<String, String>> EXPECTED = new LinkedHashMap<>();

    static {
        String[] messages = {"hello", "ping", "ready", "admit", "offer", "answer", "ice-candidate", "ice-restart",
            "leave", "end", "media-report", "chat", "quality", "check"};
        String na = "not-authenticated";
        row("anonymous", messages, na, OK, na, na, na, na, na, na, na, na, na, na, na, na);
        row("patient-waiting", messages, "out-of-order", OK, OK, "not-allowed", "not-allowed", "out-of-order",
                "out-of-order", "out-of-order", OK, "not-allowed", "out-of-order", "not-in-call", "not-allowed", OK);
        row("patient-in-call", messages, "out-of-order", OK, OK, "not-allowed", "not-allowed", OK, OK, OK, OK,
                "not-allowed", OK, OK, "not-allowed", OK);
        row("doctor-of-consultation", messages, "out-of-order", OK, "not-allowed", OK, OK, "not-allowed", OK,
                "not-allowed", "not-allowed", OK, OK, OK, OK, "not-allowed");
        row("kiosk-page-called-in", messages, "out-of-order", OK, OK, "not-allowed", "not-allowed", "out-of-order",
                "out-of-order", "out-of-order", OK, "not-allowed", "out-of-order", "not-in-call", "not-allowed", OK);
        row("kiosk-page-without-room", messages, "no-room-consultation", OK, na, na, na, na, na, na, na, na, na, na,
                na, na);
        row("staff-session-as-kiosk", messages, na, OK, na, na, na, na, na, na, na, na, na, na, na, na);
        for (String outsider : List.of("other-doctor", "technician", "admin")) {
            row(outsider, messages, "forbidden", OK, na, na, na, na, na, na, na, na, na, na, na, na);
        }
    }

    private static void row(String role, String[] messages, String... outcomes) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < messages.length; i++) {
            row.put(messages[i], outcomes[i]);
        }
        EXPECTED.put(role, row);
    }

    static Stream<Arguments> cells() {
        List<Arguments> cells = new ArrayList<>();
        EXPECTED.forEach((role, row) -> row.forEach((message, outcome) -> cells.add(Arguments.of(role, message,
                outcome))));
        return cells.stream();
    }

    @ParameterizedTest(name = "{0} sends {1}: {2}")
    @MethodSource("cells")
    void everyMessageFromEveryRoleIsAllowedOrRefusedWithTheRightCode(String role, String message, String expected) {
        SignalingKit kit = new SignalingKit();
        Consultation consultation = kit.roomConsultation(kit.doctor, KIOSK);
        // The consultation's doctor is connected, and a second patient waits to be admitted.
        FakePeer doctorPeer = new FakePeer(SignalingKit.PATIENT_ADDRESS, Optional.empty());
        Connection doctor = kit.service.connect(doctorPeer);
        doctor.receive(SignalingKit.doctorHello(kit.doctor, consultation, 2));
        FakePeer waitingPeer = new FakePeer(SignalingKit.PATIENT_ADDRESS, Optional.empty());
        kit.service.connect(waitingPeer).receive(SignalingKit.codeHello(kit.code(kit.doctor, consultation)));
        String waiting = waitingPeer.last(SignalEvent.Welcome.class).participant();

        Optional<OpaqueToken> cookie = switch (role) {
            case "kiosk-page-called-in" -> Optional.of(kit.kioskPageSession(KIOSK));
            case "kiosk-page-without-room" -> Optional.of(kit.kioskPageSession(KioskId.of("wmk-lab-04")));
            case "staff-session-as-kiosk" -> Optional.of(kit.doctor.session());
            default -> Optional.empty();
        };
        FakePeer peer = new FakePeer(SignalingKit.PATIENT_ADDRESS, cookie);
        Connection connection = role.equals("doctor-of-consultation") ? doctor : kit.service.connect(peer);
        FakePeer observed = role.equals("doctor-of-consultation") ? doctorPeer : peer;
        Function<SignalingKit.Staff, SignalRequest> staffHello = staff -> SignalingKit.doctorHello(staff,
                consultation, 2);
        SignalRequest hello = switch (role) {
            case "anonymous" -> new SignalRequest.Hello(2, new Credential.Cookie(consultation.id().toString()));
            case "other-doctor" -> staffHello.apply(kit.otherDoctor);
            case "technician" -> staffHello.apply(kit.technician);
            case "admin" -> staffHello.apply(kit.admin);
            case "doctor-of-consultation" -> staffHello.apply(kit.doctor);
            case "kiosk-page-called-in", "kiosk-page-without-room", "staff-session-as-kiosk" ->
                    new SignalRequest.Hello(2, new Credential.KioskCookie(""));
            default -> SignalingKit.codeHello(kit.code(kit.doctor, consultation), 2);
        };
        if (role.startsWith("patient") || role.equals("kiosk-page-called-in")) {
            connection.receive(hello);
            if (role.equals("patient-in-call")) {
                doctor.receive(new SignalRequest.Admit(peer.last(SignalEvent.Welcome.class).participant()));
                doctor.receive(new SignalRequest.Offer("v=0 offer"));
            }
        }
        if (role.equals("doctor-of-consultation") && !message.equals("admit")) {
            // Someone is in the call, so that the doctor's offer and candidates have a recipient.
            doctor.receive(new SignalRequest.Admit(waiting));
            if (message.equals("ice-candidate")) {
                doctor.receive(new SignalRequest.Offer("v=0 offer"));
            }
        }
        observed.clear();

        SignalRequest request = switch (message) {
            case "hello" -> hello;
            case "ping" -> new SignalRequest.Ping("p");
            case "ready" -> new SignalRequest.Ready(new Readiness(true, true, 20));
            case "admit" -> new SignalRequest.Admit(waiting);
            case "offer" -> new SignalRequest.Offer("v=0 offer");
            case "answer" -> new SignalRequest.Answer("v=0 answer");
            case "ice-candidate" -> new SignalRequest.IceCandidate("candidate:1", "0", 0);
            case "ice-restart" -> new SignalRequest.IceRestart();
            case "leave" -> new SignalRequest.Leave();
            case "end" -> new SignalRequest.End();
            case "media-report" -> new SignalRequest.MediaReport("direct", "udp", "host", "host",
                    "sha-256 " + "AB:".repeat(31) + "AB", "sha-256 " + "CD:".repeat(31) + "CD");
            case "chat" -> new SignalRequest.Chat("Guten Tag");
            case "quality" -> new SignalRequest.Quality(org.telekiosk.protocol.signaling.Rung.AUDIO, "", false);
            case "check" -> new SignalRequest.Check(new org.telekiosk.protocol.signaling.PreCallCheck("picture",
                    "heard", "heard", 120, 1_800));
            default -> throw new IllegalArgumentException(message);
        };
        connection.receive(request);

        List<SignalEvent.Error> errors = observed.all(SignalEvent.Error.class);
        assertEquals(expected, errors.isEmpty() ? OK : errors.getFirst().code(), observed.events().toString());
    }
}
