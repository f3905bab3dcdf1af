package org.telekiosk.broker.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.DisplayName;
import org.telekiosk.broker.account.OpaqueToken;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.config.BrokerConfigLoader;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.consultation.ConsultationTarget;
import org.telekiosk.broker.pki.SecureFiles;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.HiveMqNettyStop;
import org.telekiosk.broker.testing.Outcomes;
import org.telekiosk.broker.testing.PostgresSchema;
import org.telekiosk.broker.testing.ViewerClient;
import org.telekiosk.broker.testing.VitalsFixture;

/**
 * Broker nodes a test starts beside the node of a {@link BrokerExtension} on one PostgreSQL schema, with that node's
 * CA and join-code key (as docs/scale-out.md has the operator copy them), and a call whose doctor and patient are on
 * two of them: what the tests of a node's death and of a drain (issue 17) do. Closes what it started, in reverse.
 */
final class NodeCalls implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(40);
    static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger DOCTORS = new AtomicInteger();

    private final BrokerExtension first;
    private final PostgresSchema schema;
    private final Clock clock;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    /**
     * @param first the node whose CA and join-code key the others get, and whose services make the accounts
     * @param clock the clock of the nodes started here
     */
    NodeCalls(BrokerExtension first, PostgresSchema schema, Clock clock) {
        this.first = first;
        this.schema = schema;
        this.clock = clock;
    }

    /** A data directory for a new node: the first node's {@code pki/} and join-code key; deleted at the end. */
    Path nodeDirectory() throws Exception {
        Path dir = Files.createTempDirectory("telekiosk-node");
        TwoNodesIntegrationTest.copyPki(first.dataDir(), dir);
        Path secrets = SecureFiles.ownerOnlyDirectory(dir.resolve("secrets"));
        Files.copy(first.dataDir().resolve("secrets").resolve("join-code.key"), secrets.resolve("join-code.key"),
                StandardCopyOption.COPY_ATTRIBUTES);
        cleanup.add(() -> {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        });
        return dir;
    }

    /** A new node in a new data directory. */
    Broker startNode() throws Exception {
        return startNode(nodeDirectory());
    }

    /**
     * A node in {@code dir}, on free ports, once its intake is subscribed; the same directory again is the same node
     * started again (its name is in the directory).
     */
    Broker startNode(Path dir) throws Exception {
        Map<String, String> config = new HashMap<>(Map.of("data.dir", dir.toString(),
                "https.bind", "127.0.0.1", "https.port", "0", "mqtt.bind", "127.0.0.1", "mqtt.port", "0",
                "metrics.port", "0", "store.url", schema.url(), "store.user", PostgresSchema.USER));
        Broker broker = Broker.start(BrokerConfigLoader.load(Optional.empty(), config), clock, Map.of());
        cleanup.add(broker);
        HiveMqNettyStop.apply(broker); // its stop without HiveMQ's 2 s Netty quiet period, as BrokerExtension's
        Awaitility.await("the node subscribed").atMost(Duration.ofSeconds(30)).until(broker::isReady);
        return broker;
    }

    /** A signaling socket to {@code node}, closed at the end. */
    ViewerClient socket(Broker node) {
        ViewerClient socket = ViewerClient.signaling(node);
        cleanup.add(socket);
        return socket;
    }

    /** A doctor (logged in on the first node) and a consultation with a join code. */
    record Call(Account doctor, OpaqueToken session, Consultation consultation, String code) {
        String doctorHello() {
            return "{\"type\":\"hello\",\"protocolVersion\":1,\"credential\":{\"kind\":\"session\",\"token\":\""
                    + session.value() + "\",\"consultation\":\"" + consultation.id() + "\"}}";
        }
    }

    Call openCall() {
        AccessServices access = first.broker().access();
        Account account = VitalsFixture.account(access, "dr-node-" + DOCTORS.incrementAndGet(), Role.DOCTOR);
        Caller caller = new Caller.Staff(account);
        Consultation consultation = Outcomes.done(access.consultations().create(caller,
                new ConsultationTarget.Patient(Optional.of(DisplayName.of("Frau Okafor"))), Optional.empty()));
        String code = Outcomes.done(access.codes().issue(caller, consultation.id())).code().formatted();
        return new Call(account, VitalsFixture.login(access, account), consultation, code);
    }

    /** Where a call stands: the sockets, the patient's resume token and the last event their page saw. */
    record InCall(Call call, ViewerClient doctor, ViewerClient patient, String participant, String token,
            long lastSeen) {}

    /**
     * A new call: the doctor on {@code home} first (so it holds the room), the patient with the join code on
     * {@code patientNode} (relayed to {@code home} if another node), admitted, offer and answer.
     */
    InCall callAcross(Broker home, Broker patientNode) throws Exception {
        Call call = openCall();
        ViewerClient doctor = socket(home);
        doctor.send(call.doctorHello());
        doctor.nextOfType("welcome", WAIT);
        ViewerClient patient = socket(patientNode);
        patient.send("{\"type\":\"hello\",\"protocolVersion\":1,\"credential\":{\"kind\":\"code\",\"code\":\""
                + call.code() + "\",\"name\":\"\"}}");
        JsonNode welcome = JSON.readTree(patient.nextOfType("welcome", WAIT));
        String participant = welcome.path("participant").asText();
        doctor.send("{\"type\":\"admit\",\"participant\":\"" + participant + "\"}");
        patient.nextOfType("admitted", WAIT);
        long lastSeen = offerAndAnswer(doctor, patient, "first");
        return new InCall(call, doctor, patient, participant, welcome.path("resumeToken").asText(), lastSeen);
    }

    /**
     * The patient resumes on {@code node} with their token: in the call, admitted again by the broker, not by the
     * doctor. Returns the socket and the new welcome.
     */
    Resumed patientResumes(Broker node, InCall before) throws Exception {
        ViewerClient again = socket(node);
        again.send(TwoNodesSignalingIntegrationTest.resume(before.token(), before.lastSeen()));
        JsonNode welcome = JSON.readTree(again.nextOfType("welcome", WAIT));
        assertEquals("in-call", welcome.path("status").asText(), welcome.toString());
        assertEquals(before.participant(), welcome.path("participant").asText());
        again.nextOfType("admitted", WAIT);
        return new Resumed(again, welcome);
    }

    /** A patient's socket after a resume, with its {@code welcome}. */
    record Resumed(ViewerClient socket, JsonNode welcome) {
        /** The resume token for the next resume: the welcome's new one (a token is spent by its resume). */
        String token(String before) {
            String next = welcome.path("resumeToken").asText();
            return next.isEmpty() ? before : next;
        }
    }

    /** The doctor says hello on {@code node}; their welcome says {@code status}. */
    ViewerClient doctorHello(Broker node, InCall before, String status) throws Exception {
        ViewerClient doctor = socket(node);
        doctor.send(before.call().doctorHello());
        JsonNode welcome = JSON.readTree(doctor.nextOfType("welcome", WAIT));
        assertEquals(status, welcome.path("status").asText(), welcome.toString());
        return doctor;
    }

    /**
     * Both parties move to {@code node} after their sockets closed: the patient resumes (in the call, no admit), the
     * doctor says hello again ({@code in-call}, {@code admitted}), and a new offer and answer pass. Where the call
     * stands then.
     */
    InCall bothMoveTo(Broker node, InCall before, String label) throws Exception {
        Resumed patient = patientResumes(node, before);
        ViewerClient doctor = doctorHello(node, before, "in-call");
        doctor.nextOfType("admitted", WAIT);
        long lastSeen = offerAndAnswer(doctor, patient.socket(), label);
        return new InCall(before.call(), doctor, patient.socket(), before.participant(),
                patient.token(before.token()), lastSeen);
    }

    /**
     * Negotiation goes on: the doctor's offer {@code "v=0 " + label} reaches the patient, the answer comes back.
     * Returns the number of the offer as the patient saw it.
     */
    static long offerAndAnswer(ViewerClient doctor, ViewerClient patient, String label) throws Exception {
        doctor.send("{\"type\":\"offer\",\"sdp\":\"v=0 " + label + "\"}");
        JsonNode offer = JSON.readTree(patient.nextOfType("offer", WAIT));
        assertEquals("v=0 " + label, offer.path("sdp").asText());
        patient.send("{\"type\":\"answer\",\"sdp\":\"v=0 answer " + label + "\"}");
        assertEquals("v=0 answer " + label, JSON.readTree(doctor.nextOfType("answer", WAIT)).path("sdp").asText());
        return offer.path("seq").asLong();
    }

    /** Whether the seat is marked dropped in the database (its grace period running). */
    boolean seatDropped(String participant) throws Exception {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(schema.url(), PostgresSchema.USER, "");
                java.sql.PreparedStatement s = c.prepareStatement(
                        "SELECT disconnected_at FROM seat WHERE id = ?")) {
            s.setString(1, participant);
            try (java.sql.ResultSet row = s.executeQuery()) {
                assertTrue(row.next(), "the seat exists");
                row.getLong(1);
                return !row.wasNull();
            }
        }
    }

    /** The code {@code socket} was closed with (1006 for a drop without a close frame), waiting for the close. */
    static int closeCode(ViewerClient socket) {
        await().atMost(WAIT).until(() -> socket.closeCode().isDone());
        return socket.closeCode().isCompletedExceptionally() ? 1006 : socket.closeCode().join();
    }

    /** Prints a benchmark's runs and their median: {@code "<label>: median <ms> ms <what> ([...] ms), <n> runs"}. */
    static void printMedian(String label, String what, long[] millis) {
        long[] sorted = millis.clone();
        java.util.Arrays.sort(sorted);
        System.out.printf("%s: median %d ms %s (%s ms), %d runs%n", label, sorted[sorted.length / 2], what,
                java.util.Arrays.toString(millis), millis.length);
    }

    /** Closes everything started, in reverse; usable again afterwards (a benchmark's runs). */
    @Override
    public void close() throws Exception {
        Exception failure = null;
        for (AutoCloseable c : cleanup.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        cleanup.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
