package org.telekiosk.broker.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.consultation.ConsultationTarget;
import org.telekiosk.broker.consultation.WaitingListEntry;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.Outcomes;
import org.telekiosk.broker.testing.PostgresSchema;
import org.telekiosk.broker.testing.ViewerClient;
import org.telekiosk.broker.testing.VitalsFixture;

/**
 * Signaling across two broker nodes in this JVM on one PostgreSQL schema (issue 17, phase 2): a doctor on node A and
 * a patient on node B reach each other through the relay (the room lives on its home node, the other node's socket
 * is relayed to it), in order, with an SDP larger than a NOTIFY payload; the end from A reaches B; a resume on the
 * other node keeps the seat; a resume token used on both nodes at once opens the seat once. Skipped, with the
 * reason, without a PostgreSQL at 127.0.0.1:5432.
 */
class TwoNodesSignalingIntegrationTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final ObjectMapper JSON = new ObjectMapper();
    static final PostgresSchema SCHEMA = new PostgresSchema();

    static java.util.Map<String, String> onSharedDatabase() {
        return java.util.Map.of("store.url", SCHEMA.url(), "store.user", PostgresSchema.USER);
    }

    @RegisterExtension
    @Order(1)
    static final BrokerExtension A = new BrokerExtension(onSharedDatabase())
            .preparing(dir -> SCHEMA.create())
            .afterStop(SCHEMA::drop);

    @RegisterExtension
    @Order(2)
    static final BrokerExtension B = new BrokerExtension(onSharedDatabase())
            .preparing(dir -> {
                TwoNodesIntegrationTest.copyPki(A.dataDir(), dir);
                // The join codes' key, as docs/scale-out.md tells the operator: a code issued on A is redeemed on B.
                java.nio.file.Path secrets = org.telekiosk.broker.pki.SecureFiles.ownerOnlyDirectory(
                        dir.resolve("secrets"));
                java.nio.file.Files.copy(A.dataDir().resolve("secrets").resolve("join-code.key"),
                        secrets.resolve("join-code.key"), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            });

    private static int doctors;

    /** A new doctor (made and logged in on node A) and consultation with a join code. */
    record Room(Account doctor, OpaqueToken session, Consultation consultation, String code) {
        static Room open() {
            AccessServices access = A.broker().access();
            Account account = VitalsFixture.account(access, "dr-nodes-" + (++doctors), Role.DOCTOR);
            Caller caller = new Caller.Staff(account);
            Consultation consultation = Outcomes.done(access.consultations().create(caller,
                    new ConsultationTarget.Patient(Optional.of(DisplayName.of("Herr Brandt"))), Optional.empty()));
            String code = Outcomes.done(access.codes().issue(caller, consultation.id())).code().formatted();
            return new Room(account, VitalsFixture.login(access, account), consultation, code);
        }

        ViewerClient doctorOn(BrokerExtension node) throws InterruptedException {
            ViewerClient socket = ViewerClient.signaling(node);
            socket.send("{\"type\":\"hello\",\"protocolVersion\":1,\"credential\":{\"kind\":\"session\",\"token\":\""
                    + session.value() + "\",\"consultation\":\"" + consultation.id() + "\"}}");
            socket.nextOfType("welcome", WAIT);
            return socket;
        }

        /** The patient's socket on {@code node} with the join code; returns its welcome. */
        JsonNode patientOn(ViewerClient socket) throws Exception {
            socket.send("{\"type\":\"hello\",\"protocolVersion\":1,\"credential\":{\"kind\":\"code\",\"code\":\""
                    + code + "\",\"name\":\"\"}}");
            return JSON.readTree(socket.nextOfType("welcome", WAIT));
        }

        List<WaitingListEntry> waitingListOn(BrokerExtension node) {
            return Outcomes.done(node.broker().access().waitingRoom().waitingList(new Caller.Staff(doctor),
                    consultation.id()));
        }
    }

    static String resume(String token, long lastSeen) {
        return "{\"type\":\"hello\",\"protocolVersion\":1,\"credential\":{\"kind\":\"resume\",\"token\":\"" + token
                + "\",\"lastSeen\":" + lastSeen + "}}";
    }

    static String candidate(int index) {
        return "{\"type\":\"ice-candidate\",\"candidate\":\"candidate:" + index
                + " 1 udp 2122260223 192.0.2.1 5000" + index + " typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}";
    }

    /** The doctor's next waiting-room event that lists {@code participant}. */
    static JsonNode waitingRoomWith(ViewerClient doctor, String participant) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            JsonNode event = JSON.readTree(doctor.nextOfType("waiting-room",
                    Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))));
            for (JsonNode patient : event.path("patients")) {
                if (patient.path("participant").asText().equals(participant)) {
                    return event;
                }
            }
        }
    }

    @Test
    void aDoctorOnOneNodeAndAPatientOnTheOtherTalkInOrderUntilTheDoctorEnds() throws Exception {
        Room room = Room.open();
        try (ViewerClient doctor = room.doctorOn(A); ViewerClient patient = ViewerClient.signaling(B)) {
            JsonNode welcome = room.patientOn(patient);
            String participant = welcome.path("participant").asText();
            assertEquals(43, welcome.path("resumeToken").asText().length(), "the resume token reaches node B's page");

            // The waiting room is the same from every node: the doctor's socket on A sees the patient seated on B.
            waitingRoomWith(doctor, participant);
            assertEquals(List.of(participant), room.waitingListOn(B).stream()
                    .map(e -> e.participant().toString()).toList());
            assertEquals(room.waitingListOn(A), room.waitingListOn(B));

            doctor.send("{\"type\":\"admit\",\"participant\":\"" + participant + "\"}");
            assertTrue(JSON.readTree(patient.nextOfType("admitted", WAIT)).path("iceServers").isArray());

            // An offer larger than a NOTIFY payload (8000 bytes) goes through the relay table.
            String sdp = "v=0 " + "a=candidate-line-padding ".repeat(1_000);
            assertTrue(sdp.length() > 20_000);
            doctor.send("{\"type\":\"offer\",\"sdp\":\"" + sdp + "\"}");
            for (int i = 0; i < 30; i++) {
                doctor.send(candidate(i));
            }
            assertEquals(sdp, JSON.readTree(patient.nextOfType("offer", WAIT)).path("sdp").asText());
            long previous = 0;
            for (int i = 0; i < 30; i++) {
                JsonNode event = JSON.readTree(patient.nextOfType("ice-candidate", WAIT));
                assertTrue(event.path("candidate").asText().startsWith("candidate:" + i + " "), event.toString());
                assertTrue(event.path("seq").asLong() > previous, "numbered in order");
                previous = event.path("seq").asLong();
            }
            patient.send("{\"type\":\"answer\",\"sdp\":\"v=0 answer\"}");
            for (int i = 0; i < 30; i++) {
                patient.send(candidate(100 + i));
            }
            assertEquals("v=0 answer", JSON.readTree(doctor.nextOfType("answer", WAIT)).path("sdp").asText());
            for (int i = 0; i < 30; i++) {
                JsonNode event = JSON.readTree(doctor.nextOfType("ice-candidate", WAIT));
                assertTrue(event.path("candidate").asText().startsWith("candidate:" + (100 + i) + " "),
                        event.toString());
            }
            // Chat crosses too (never stored), both ways.
            doctor.send("{\"type\":\"chat\",\"text\":\"Guten Tag, Herr Brandt\"}");
            JsonNode line = JSON.readTree(patient.nextOfType("chat", WAIT));
            assertEquals("Guten Tag, Herr Brandt", line.path("text").asText());
            assertEquals("doctor", line.path("from").asText());
            patient.send("{\"type\":\"chat\",\"text\":\"Guten Tag\"}");
            assertEquals("Guten Tag", JSON.readTree(doctor.nextOfType("chat", WAIT)).path("text").asText());
            // A message refused by the room's rules is refused for the relayed socket too.
            patient.send("{\"type\":\"offer\",\"sdp\":\"v=0\"}");
            assertEquals("not-allowed", JSON.readTree(patient.nextOfType("error", WAIT)).path("code").asText());

            doctor.send("{\"type\":\"end\"}");
            for (ViewerClient socket : new ViewerClient[] {doctor, patient}) {
                assertEquals("ended-by-doctor", JSON.readTree(socket.nextOfType("ended", WAIT)).path("reason")
                        .asText());
                assertEquals(1000, socket.closeCode().get(WAIT.toSeconds(), TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void anEndOverRestOnTheNodeWithoutTheRoomReachesBothSockets() throws Exception {
        Room room = Room.open();
        try (ViewerClient doctor = room.doctorOn(A); ViewerClient patient = ViewerClient.signaling(B)) {
            room.patientOn(patient);
            Outcomes.done(B.broker().access().consultations().end(new Caller.Staff(room.doctor()),
                    room.consultation().id()));
            for (ViewerClient socket : new ViewerClient[] {doctor, patient}) {
                assertEquals("ended-by-doctor", JSON.readTree(socket.nextOfType("ended", WAIT)).path("reason")
                        .asText());
                assertEquals(1000, socket.closeCode().get(WAIT.toSeconds(), TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void aPatientResumesOnTheOtherNodeWithinTheGracePeriodWithoutReAdmission() throws Exception {
        Room room = Room.open();
        try (ViewerClient doctor = room.doctorOn(A)) {
            ViewerClient first = ViewerClient.signaling(A);
            JsonNode welcome = room.patientOn(first);
            String participant = welcome.path("participant").asText();
            doctor.send("{\"type\":\"admit\",\"participant\":\"" + participant + "\"}");
            long admitted = JSON.readTree(first.nextOfType("admitted", WAIT)).path("seq").asLong();
            first.close(); // the connection drops; the seat stays for the grace period
            await().atMost(WAIT).until(() -> room.waitingListOn(B).isEmpty()
                    || !room.waitingListOn(B).getFirst().connected());

            try (ViewerClient again = ViewerClient.signaling(B)) {
                again.send(resume(welcome.path("resumeToken").asText(), admitted));
                JsonNode resumed = JSON.readTree(again.nextOfType("welcome", WAIT));
                assertEquals("in-call", resumed.path("status").asText(), resumed.toString());
                assertEquals(participant, resumed.path("participant").asText());
                String token = resumed.path("resumeToken").asText();
                assertEquals(43, token.length());
                assertNotEquals(welcome.path("resumeToken").asText(), token, "each resume issues a new token");
                again.nextOfType("admitted", WAIT); // the call goes on without a new admit
                doctor.nextOfType("ice-restart", WAIT);
                doctor.send("{\"type\":\"offer\",\"sdp\":\"v=0 restart\"}");
                assertEquals("v=0 restart", JSON.readTree(again.nextOfType("offer", WAIT)).path("sdp").asText());
            }
        }
    }

    @Test
    void aResumeTokenUsedOnBothNodesAtOnceOpensTheSeatOnce() throws Exception {
        Room room = Room.open();
        try (ViewerClient doctor = room.doctorOn(A)) {
            ViewerClient first = ViewerClient.signaling(B);
            JsonNode welcome = room.patientOn(first);
            first.close();
            await().atMost(WAIT).until(() -> !room.waitingListOn(A).getFirst().connected());
            String token = welcome.path("resumeToken").asText();
            try (ViewerClient onA = ViewerClient.signaling(A); ViewerClient onB = ViewerClient.signaling(B)) {
                Thread onBSends = Thread.ofVirtual().start(() -> onB.send(resume(token, 0)));
                onA.send(resume(token, 0));
                onBSends.join();
                List<String> firsts = new ArrayList<>();
                for (ViewerClient socket : new ViewerClient[] {onA, onB}) {
                    JsonNode answer = JSON.readTree(socket.next(WAIT));
                    while (!Arrays.asList("welcome", "error").contains(answer.path("type").asText())) {
                        answer = JSON.readTree(socket.next(WAIT));
                    }
                    firsts.add(answer.path("type").asText() + (answer.has("code") ? ":" + answer.path("code")
                            .asText() : ""));
                }
                assertEquals(1, firsts.stream().filter("welcome"::equals).count(), firsts.toString());
                assertEquals(1, firsts.stream().filter("error:not-authenticated"::equals).count(),
                        firsts.toString());
                ViewerClient loser = firsts.getFirst().equals("welcome") ? onB : onA;
                assertEquals(4401, loser.closeCode().get(WAIT.toSeconds(), TimeUnit.SECONDS));
            }
        }
    }

    /**
     * Benchmark, not a test (run with {@code -Dtelekiosk.bench=true}): one-way latency of an ICE candidate from the
     * doctor's socket to the patient's, both on node A (same node) and with the patient on node B (relayed), over
     * {@value #SAMPLES} candidates each, paced below the socket's rate limit. Prints p50 and p99.
     */
    static final int SAMPLES = 300;

    @Test
    @EnabledIfSystemProperty(named = "telekiosk.bench", matches = "true")
    void benchmarkRelayLatency() throws Exception {
        for (int round = 0; round < 2; round++) {
            for (BrokerExtension patientNode : new BrokerExtension[] {A, B}) {
                long[] micros = latency(patientNode);
                Arrays.sort(micros);
                System.out.printf("Relay latency, round %d, doctor on A, patient on %s: p50 %.2f ms, p99 %.2f ms,"
                        + " max %.2f ms (%d candidates)%n", round + 1, patientNode == A ? "A (same node)"
                        : "B (relayed)", micros[micros.length / 2] / 1000.0, micros[micros.length * 99 / 100]
                        / 1000.0, micros[micros.length - 1] / 1000.0, micros.length);
            }
        }
    }

    private static long[] latency(BrokerExtension patientNode) throws Exception {
        Room room = Room.open();
        try (ViewerClient doctor = room.doctorOn(A); ViewerClient patient = ViewerClient.signaling(patientNode)) {
            String participant = room.patientOn(patient).path("participant").asText();
            doctor.send("{\"type\":\"admit\",\"participant\":\"" + participant + "\"}");
            patient.nextOfType("admitted", WAIT);
            doctor.send("{\"type\":\"offer\",\"sdp\":\"v=0 bench\"}");
            patient.nextOfType("offer", WAIT);
            long[] micros = new long[SAMPLES];
            for (int i = 0; i < SAMPLES; i++) {
                long sent = System.nanoTime();
                doctor.send(candidate(i));
                patient.nextOfType("ice-candidate", WAIT);
                micros[i] = (System.nanoTime() - sent) / 1_000;
                // Paced under signal.rate-per-second (20): 1 candidate per 60 ms, measured one at a time.
                long pause = sent + 60_000_000 - System.nanoTime();
                if (pause > 0) {
                    TimeUnit.NANOSECONDS.sleep(pause);
                }
            }
            doctor.send("{\"type\":\"end\"}");
            return micros;
        }
    }
}
