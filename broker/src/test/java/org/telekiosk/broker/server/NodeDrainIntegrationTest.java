package org.telekiosk.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.telekiosk.broker.server.NodeCalls.closeCode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.consultation.ConsultationState;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.server.NodeCalls.InCall;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.Outcomes;
import org.telekiosk.broker.testing.PostgresSchema;
import org.telekiosk.protocol.signaling.CloseCodes;

/**
 * A node drained before a stop (issue 17, {@link Broker#drain}): brokers in this JVM on one PostgreSQL schema; a call
 * whose doctor is on node A (the room's home) and whose patient is on another node (relayed to A). A's drain takes
 * it out of rotation ({@code /readyz} 503, new connections refused), closes both parties' sockets with 1012, and both
 * resume on the other node, back in the call without a new {@code admit}: a new offer and answer pass. A rolling
 * restart (A drained, stopped and started again, then the other node drained) fails no consultation. Skipped, with
 * the reason, without a PostgreSQL at 127.0.0.1:5432.
 */
class NodeDrainIntegrationTest {
    static final PostgresSchema SCHEMA = new PostgresSchema();

    /** The node that stays (and whose CA the others get). */
    @RegisterExtension
    @Order(1)
    static final BrokerExtension B = new BrokerExtension(Map.of("store.url", SCHEMA.url(), "store.user",
            PostgresSchema.USER))
            .preparing(dir -> SCHEMA.create())
            .afterStop(SCHEMA::drop);

    private final NodeCalls nodes = new NodeCalls(B, SCHEMA, Clock.systemUTC());

    @AfterEach
    void closeNodes() throws Exception {
        nodes.close();
    }

    @Test
    void aDrainedHomeNodeIsOutOfRotationAndBothPartiesResumeTheCallOnTheOtherNodeWithoutReAdmission()
            throws Exception {
        Broker nodeA = nodes.startNode();
        InCall before = nodes.callAcross(nodeA, B.broker());
        try (HttpConnection balancerCheck = HttpConnection.open(nodeA)) {
            assertEquals(200, balancerCheck.get("/readyz").status());

            nodeA.drain();

            assertEquals(CloseCodes.SERVICE_RESTART, closeCode(before.doctor()), "the doctor's socket on A");
            assertEquals(CloseCodes.SERVICE_RESTART, closeCode(before.patient()),
                    "the patient's socket on B, which B relayed to A");
            assertTrue(nodes.seatDropped(before.participant()), "A marked the seat dropped before the close");
            // Out of rotation until it stops: 503 on a connection open before the drain, new connections refused.
            var readiness = balancerCheck.get("/readyz");
            assertEquals(503, readiness.status());
            assertEquals("draining", NodeCalls.JSON.readTree(readiness.body()).path("status").asText());
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", nodeA.httpsPort()).close());
        }

        nodes.bothMoveTo(B.broker(), before, "after the drain");
        nodeA.close();
    }

    @Test
    void aRollingRestartOfTheCallsTwoNodesFailsNoConsultation() throws Exception {
        Path dirA = nodes.nodeDirectory();
        Broker nodeA = nodes.startNode(dirA);
        Broker nodeC = nodes.startNode();
        InCall call = nodes.callAcross(nodeA, nodeC);

        nodeA.drain(); // the doctor's socket and the room on A, the patient's relayed from C
        assertEquals(CloseCodes.SERVICE_RESTART, closeCode(call.doctor()));
        assertEquals(CloseCodes.SERVICE_RESTART, closeCode(call.patient()));
        call = nodes.bothMoveTo(nodeC, call, "after A's drain");
        nodeA.close();
        nodeA = nodes.startNode(dirA); // the same node (its name is in its directory), started again

        nodeC.drain(); // now both sockets and the room are on C
        assertEquals(CloseCodes.SERVICE_RESTART, closeCode(call.doctor()));
        assertEquals(CloseCodes.SERVICE_RESTART, closeCode(call.patient()));
        call = nodes.bothMoveTo(nodeA, call, "after C's drain");
        nodeC.close();

        Consultation consultation = Outcomes.done(B.broker().access().consultations().get(
                new Caller.Staff(call.call().doctor()), call.call().consultation().id()));
        assertEquals(ConsultationState.IN_CALL, consultation.state(),
                "the consultation went on, the patient in the call");
    }

    /**
     * Benchmark, not a test (run with {@code -Dtelekiosk.bench=true}): the time from the start of node A's drain
     * (A holds the room and the doctor's socket, B relays the patient's) to both parties back in the call on B: the
     * patient's resume welcomed {@code in-call}, then the doctor's {@code hello}. The test reconnects each socket as
     * soon as it sees the 1012 (a page waits 500 ms first). {@value #RUNS} runs; prints each and the median.
     */
    static final int RUNS = 5;

    @Test
    @EnabledIfSystemProperty(named = "telekiosk.bench", matches = "true")
    void benchmarkTimeFromDrainToBothBackInTheCall() throws Exception {
        long[] millis = new long[RUNS];
        for (int run = 0; run < RUNS; run++) {
            Broker nodeA = nodes.startNode();
            InCall before = nodes.callAcross(nodeA, B.broker());
            long start = System.nanoTime();
            CompletableFuture<Void> drained = CompletableFuture.runAsync(nodeA::drain);
            assertEquals(CloseCodes.SERVICE_RESTART, closeCode(before.patient()));
            var patient = nodes.patientResumes(B.broker(), before).socket();
            assertEquals(CloseCodes.SERVICE_RESTART, closeCode(before.doctor()));
            var doctor = nodes.doctorHello(B.broker(), before, "in-call");
            millis[run] = (System.nanoTime() - start) / 1_000_000;
            doctor.nextOfType("admitted", NodeCalls.WAIT);
            NodeCalls.offerAndAnswer(doctor, patient, "after the drain");
            drained.join();
            System.out.printf("Node drain, run %d: both back in the call on the other node %d ms after the drain"
                    + " began%n", run + 1, millis[run]);
            nodes.close();
        }
        NodeCalls.printMedian("Node drain", "from the drain's start to both back in the call", millis);
    }

    /**
     * One HTTP/1.1 keep-alive connection over TLS, as a balancer's health check holds one: opened before the drain,
     * it is still answered during it (new connections are refused).
     */
    static final class HttpConnection implements AutoCloseable {
        private final SSLSocket socket;
        private final InputStream in;
        private final OutputStream out;

        private HttpConnection(SSLSocket socket) throws IOException {
            this.socket = socket;
            socket.startHandshake();
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        static HttpConnection open(Broker node) throws Exception {
            var tls = org.telekiosk.broker.pki.TrustStores.trusting(node.pki().caCertificate());
            SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", node.httpsPort());
            socket.setSoTimeout((int) NodeCalls.WAIT.toMillis());
            return new HttpConnection(socket);
        }

        PipelinedRequestsIntegrationTest.Answer get(String path) throws IOException {
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return PipelinedRequestsIntegrationTest.read(in);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
