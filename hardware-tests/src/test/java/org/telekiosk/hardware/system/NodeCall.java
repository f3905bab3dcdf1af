package org.telekiosk.hardware.system;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.LockSupport;
import org.telekiosk.broker.testing.ViewerClient;

/**
 * A consultation's two signaling sockets through the balancer, driven as the broker's pages drive them: the doctor's
 * page says {@code hello} with its session, the kiosk page's patient is seated with the {@code kiosk} credential and
 * admitted once; after a socket closes (a node killed or drained) the page connects again through the balancer, after
 * the pages' own 500 ms, and resumes (patient: its resume token, never a new admission) or says {@code hello} again
 * (doctor). Each step waits with a deadline; a closed socket is noticed while waiting.
 */
final class NodeCall {
    /**
     * One step's bound (a message, a socket through the balancer). Generous: the build machine's load reaches 40-80,
     * where one node's answer to a login or a hello took seconds; a step that works costs nothing of it.
     */
    static final Duration WAIT = Duration.ofSeconds(90);
    /** What a page waits after its socket closed before it connects again (signaling.js). */
    private static final Duration PAGE_RETRY = Duration.ofMillis(500);

    private final BrokerNodes nodes;
    private final String session;
    private final String consultation;
    private final String kioskCookie;
    private ViewerClient doctor;
    private ViewerClient patient;
    private String participant;
    private String token;
    private long lastSeen;
    private int offers;

    NodeCall(BrokerNodes nodes, String session, String consultation, String kioskCookie) {
        this.nodes = nodes;
        this.session = session;
        this.consultation = consultation;
        this.kioskCookie = kioskCookie;
    }

    String consultation() {
        return consultation;
    }

    private String doctorHello() {
        return "{\"type\":\"hello\",\"protocolVersion\":1,\"credential\":{\"kind\":\"session\",\"token\":\""
                + session + "\",\"consultation\":\"" + consultation + "\"}}";
    }

    /**
     * The call begins: the doctor's socket on node {@code doctorNode}, the kiosk page's on {@code patientNode} (HAProxy
     * steered there), the patient admitted, a first offer and answer.
     */
    void begin(int doctorNode, int patientNode) throws Exception {
        doctor = nodes.socketOn(doctorNode, "/ws/signal", null, WAIT);
        doctor.send(doctorHello());
        doctor.nextOfType("welcome", WAIT);
        patient = nodes.socketOn(patientNode, "/ws/signal", kioskCookie, WAIT);
        patient.send("{\"type\":\"hello\",\"protocolVersion\":1,\"credential\":{\"kind\":\"kiosk\",\"name\":\"\"}}");
        JsonNode welcome = BrokerNodes.JSON.readTree(patient.nextOfType("welcome", WAIT));
        participant = welcome.path("participant").asText();
        token = welcome.path("resumeToken").asText();
        doctor.send("{\"type\":\"admit\",\"participant\":\"" + participant + "\"}");
        patient.nextOfType("admitted", WAIT);
        if (!offerAndAnswer(System.nanoTime() + WAIT.toNanos())) {
            throw new AssertionError("a socket closed during the first offer and answer");
        }
    }

    /**
     * The call goes on after whatever happened to the nodes: every closed socket comes back through the balancer (the
     * patient resumed in the call, the doctor welcomed), then a new offer and answer pass; again while a socket closes
     * meanwhile (a hello relayed to a dead home is closed with 1012 once its death is noticed). Fails after
     * {@code patience}.
     */
    void goesOn(Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            if (closed(doctor)) {
                doctor.close();
                doctor = doctorBack(deadline);
            }
            if (closed(patient)) {
                patient.close();
                patient = patientBack(deadline);
            }
            if (offerAndAnswer(deadline)) {
                return;
            }
        }
    }

    /** Waits until both sockets closed (a node they depend on was killed); fails after {@code patience}. */
    void awaitBothClosed(Duration patience) {
        org.awaitility.Awaitility.await("both signaling sockets closed").atMost(patience)
                .until(() -> closed(doctor) && closed(patient));
    }

    static boolean closed(ViewerClient socket) {
        return socket.closeCode().isDone();
    }

    /** The close code, 1006 for a connection that ended without one. */
    static int closeCode(ViewerClient socket) {
        return socket.closeCode().isCompletedExceptionally() ? 1006 : socket.closeCode().join();
    }

    private ViewerClient doctorBack(long deadline) throws Exception {
        while (true) {
            LockSupport.parkNanos(PAGE_RETRY.toNanos());
            ViewerClient socket = connect(null, deadline, -1);
            if (socket == null) {
                continue;
            }
            if (send(socket, doctorHello()) && awaitType(socket, "welcome", deadline).isPresent()) {
                return socket; // in-call (with admitted) or waiting (ice-restart when the patient resumes)
            }
            socket.close();
        }
    }

    /**
     * The patient's page leaves its socket (closes it) and resumes on node {@code node} (HAProxy steered there), back in
     * the call; then a new offer and answer pass. For the same-node latency series: doctor, patient and room on one
     * node.
     */
    void movePatientTo(int node) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        patient.close();
        patient = patientBack(deadline, node);
        if (!offerAndAnswer(deadline)) {
            throw new AssertionError("a socket closed during the offer and answer after the patient moved");
        }
    }

    private ViewerClient patientBack(long deadline) throws Exception {
        return patientBack(deadline, -1);
    }

    /** The patient's page resumes through the balancer (steered to {@code node} alone if not negative). */
    private ViewerClient patientBack(long deadline, int node) throws Exception {
        while (true) {
            LockSupport.parkNanos(PAGE_RETRY.toNanos());
            ViewerClient socket = connect(kioskCookie, deadline, node);
            if (socket == null) {
                continue;
            }
            String resume = "{\"type\":\"hello\",\"protocolVersion\":1,\"credential\":{\"kind\":\"resume\",\"token\":\""
                    + token + "\",\"lastSeen\":" + lastSeen + "}}";
            Optional<JsonNode> welcome = send(socket, resume) ? awaitType(socket, "welcome", deadline)
                    : Optional.empty();
            if (welcome.isPresent()) {
                if (!welcome.get().path("status").asText().equals("in-call")
                        || !welcome.get().path("participant").asText().equals(participant)) {
                    throw new AssertionError("the patient's resume: " + welcome.get());
                }
                String next = welcome.get().path("resumeToken").asText();
                token = next.isEmpty() ? token : next;
                return socket;
            }
            int code = closeCode(socket);
            if (code == 4401 || code == 4410) {
                throw new AssertionError("the patient's resume refused with " + code + ": " + socket.seen());
            }
            socket.close();
        }
    }

    /**
     * A signaling socket through the balancer (steered to {@code node} alone if not negative), or null if the
     * handshake failed (HAProxy found no node to take it while one is dying: its retries went to the dead one); fails
     * at {@code deadline}.
     */
    private ViewerClient connect(String cookie, long deadline, int node) throws java.io.IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new AssertionError("no signaling socket through the balancer in time");
        }
        try {
            return node < 0 ? nodes.socket("/ws/signal", cookie)
                    : nodes.socketOn(node, "/ws/signal", cookie, Duration.ofNanos(left));
        } catch (CompletionException refused) {
            return null;
        }
    }

    /** A new offer from the doctor reaches the patient and the answer comes back; false if a socket closed. */
    private boolean offerAndAnswer(long deadline) throws Exception {
        String label = "v=0 offer " + (++offers);
        if (!send(doctor, "{\"type\":\"offer\",\"sdp\":\"" + label + "\"}")) {
            return false;
        }
        Optional<JsonNode> offer = awaitType(patient, "offer", deadline);
        while (offer.isPresent() && !offer.get().path("sdp").asText().equals(label)) {
            offer = awaitType(patient, "offer", deadline); // an earlier offer replayed on a resume
        }
        if (offer.isEmpty()) {
            return false;
        }
        lastSeen = Math.max(lastSeen, offer.get().path("seq").asLong());
        if (!send(patient, "{\"type\":\"answer\",\"sdp\":\"v=0 answer " + offers + "\"}")) {
            return false;
        }
        return awaitType(doctor, "answer", deadline).isPresent();
    }

    /**
     * One-way signaling latency from the doctor's socket to the patient's: {@code samples} ICE candidates sent one at
     * a time (each after the previous arrived), paced at one per 60 ms under the rate limit
     * ({@code signal.rate-per-second}, 20), as {@code TwoNodesSignalingIntegrationTest}'s benchmark does in one JVM.
     * Both sockets are in this JVM: one clock. Returns the microseconds, sorted.
     */
    long[] relayLatency(int samples) throws Exception {
        long[] micros = new long[samples];
        for (int i = 0; i < samples; i++) {
            long sent = System.nanoTime();
            doctor.send("{\"type\":\"ice-candidate\",\"candidate\":\"candidate:" + i
                    + " 1 udp 2122260223 192.0.2.1 5000" + i + " typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}");
            JsonNode candidate = awaitType(patient, "ice-candidate", sent + WAIT.toNanos())
                    .orElseThrow(() -> new AssertionError("the patient's socket closed: " + patient.seen()));
            micros[i] = (System.nanoTime() - sent) / 1_000;
            lastSeen = Math.max(lastSeen, candidate.path("seq").asLong());
            LockSupport.parkNanos(sent + 60_000_000 - System.nanoTime());
        }
        java.util.Arrays.sort(micros);
        return micros;
    }

    private static boolean send(ViewerClient socket, String text) {
        try {
            socket.send(text);
            return true;
        } catch (CompletionException | IllegalStateException e) {
            return false;
        }
    }

    /**
     * The next message of {@code type} on {@code socket}, skipping others; empty once the socket closed with nothing
     * of that type left to read. Fails at {@code deadline}.
     */
    static Optional<JsonNode> awaitType(ViewerClient socket, String type, long deadline) throws Exception {
        while (true) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + type + " in time; seen " + socket.seen());
            }
            String message;
            try {
                message = socket.next(Duration.ofMillis(200));
            } catch (AssertionError nothingYet) {
                if (closed(socket)) {
                    return Optional.empty();
                }
                continue;
            }
            JsonNode json = BrokerNodes.JSON.readTree(message);
            if (json.path("type").asText().equals(type)) {
                return Optional.of(json);
            }
        }
    }

    void close() {
        for (ViewerClient socket : new ViewerClient[] {doctor, patient}) {
            if (socket != null) {
                socket.close();
            }
        }
    }
}
