package org.telekiosk.hardware.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.config.AgentConfigLoader;
import org.telekiosk.agent.enrollment.Enroller;
import org.telekiosk.agent.kioskpage.KioskPageUrl;
import org.telekiosk.broker.testing.RequiredPrograms;
import org.telekiosk.broker.testing.ViewerClient;
import org.telekiosk.protocol.KioskId;

/**
 * Issue 17's system test with real processes: three broker nodes from the shaded jar behind HAProxy (TCP, TLS passed
 * through, docs/scale-out.md's configuration), one external Mosquitto, the local PostgreSQL, and a real edge agent
 * (simulated chips) publishing to Mosquitto. The test's clients stand in for the pages (doctor's console, kiosk page)
 * and reach the nodes only through HAProxy; to put the doctor and the patient on different nodes the test steers
 * HAProxy with its runtime API (the other servers set to {@code drain} while one socket connects).
 *
 * <p><b>Not in the default build yet</b> ({@code -Dtelekiosk.nodes=true}): it passed one of its first four runs, all
 * at load averages of 50-84 (each run 517-837 s; the failures: a restarted node slow to listen, since taken out of the
 * short variant, and a store-acknowledgement timeout in the test's agent configuration, since raised); it goes into
 * the default build once a loop of ten passes. With the flag: a consultation across nodes (signaling, vitals on a third node, a command to the kiosk), then the
 * room's home node killed with SIGKILL: both sockets resume through HAProxy without re-admission, and every reading
 * the agent published is stored exactly once. {@code -Dtelekiosk.nodes.full=true} as well adds five more kills (the time from
 * the death to the call going on again, printed with its median) and a rolling restart of all three nodes (SIGTERM,
 * the drain, start again) during the call. Skipped without PostgreSQL; fails at once without Mosquitto or HAProxy.
 */
@RequiredPrograms({RequiredPrograms.Program.MOSQUITTO, RequiredPrograms.Program.HAPROXY})
@EnabledIfSystemProperty(named = "telekiosk.nodes", matches = "true")
class NodesSystemTest {
    /** From a death to the sockets back: 15 s of heartbeat, then resumes, on a loaded 2-core machine. */
    private static final Duration RECOVERY = Duration.ofSeconds(90);
    /**
     * Until every reading is stored once: the agent sends again what a dead node took after its store timeout. At load
     * 60 the store acknowledgement moved by 25 readings in 18 s: 120 s were not enough for the backlog.
     */
    private static final Duration STORED = Duration.ofSeconds(300);
    private static final int KILLS = Integer.getInteger("telekiosk.nodes.kills", 5);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;

    static BrokerNodes nodes;

    private AgentProcess agent;
    private NodeCall call;
    private ViewerClient vitals;

    @BeforeAll
    static void startNodes() throws Exception {
        nodes = BrokerNodes.start(dir, 3);
    }

    @AfterAll
    static void stopNodes() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    @AfterEach
    void closeCall() throws Exception {
        if (call != null) {
            call.close();
        }
        if (vitals != null) {
            vitals.close();
        }
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void aCallAcrossNodesGoesOnAfterItsHomeNodeIsKilledAndEveryReadingIsStoredOnce() throws Exception {
        KioskId kiosk = KioskId.of("nodes-kiosk-short");
        callAcrossNodes(kiosk, "dr-nodes-short");
        killHomeAndGoOn(false);
        assertEveryReadingStoredOnce(kiosk);
    }

    @Test
    @EnabledIfSystemProperty(named = "telekiosk.nodes.full", matches = "true")
    void aCallSurvivesRepeatedKillsAndARollingRestartOfAllThreeNodes() throws Exception {
        KioskId kiosk = KioskId.of("nodes-kiosk-full");
        callAcrossNodes(kiosk, "dr-nodes-full");
        long[] millis = new long[KILLS];
        for (int kill = 0; kill < KILLS; kill++) {
            millis[kill] = killHomeAndGoOn(true);
        }
        long[] sorted = millis.clone();
        Arrays.sort(sorted);
        System.out.printf("Node death: median %d ms from the kill to a new offer and answer (%s ms), %d kills; "
                + "load %s%n", sorted[KILLS / 2], Arrays.toString(millis), KILLS,
                Files.readString(Path.of("/proc/loadavg")).strip());
        for (int node = 0; node < nodes.size(); node++) {
            long start = System.nanoTime();
            nodes.node(node).stop(); // SIGTERM: the drain, then the stop
            call.goesOn(RECOVERY);
            System.out.printf("Rolling restart: node-%d stopped, the call going on after %d ms%n", node,
                    (System.nanoTime() - start) / 1_000_000);
            nodes.restart(node);
        }
        call.goesOn(RECOVERY);
        JsonNode consultation = nodes.rest("GET", "/api/v1/consultations/" + call.consultation(), null,
                session).json();
        assertEquals("in_call", consultation.path("state").asText(), consultation.toString());
        assertEveryReadingStoredOnce(kiosk);
    }

    private String session;

    /**
     * Scenario 1: the agent enrolled through HAProxy and publishing to Mosquitto; a room consultation for its kiosk;
     * the doctor's signaling socket on node 0 (which becomes the room's home), the kiosk page's on node 1 (relayed to
     * node 0), admitted, offer and answer; the doctor's vitals socket on node 2 gets the kiosk's readings, and a
     * command issued through HAProxy reaches the agent, whose states reach that socket.
     */
    private void callAcrossNodes(KioskId kiosk, String doctor) throws Exception {
        Path kioskDir = Files.createDirectories(dir.resolve(kiosk.value()));
        AgentConfig agentConfig = enroll(kioskDir, kiosk);
        agent = AgentProcess.start(kioskDir);
        session = nodes.doctor(doctor);
        BrokerNodes.Reply created = nodes.rest("POST", "/api/v1/consultations", "{\"kiosk\":\"" + kiosk + "\"}",
                session);
        assertEquals(201, created.status(), created.json().toString());
        String consultation = created.json().path("id").asText();
        call = new NodeCall(nodes, session, consultation, kioskPageSession(agentConfig));
        call.begin(0, 1);
        assertEquals(0, nodes.home(consultation).orElseThrow(), "the room's home is the doctor's node");

        nodes.haproxy().steer(2);
        vitals = nodes.socket("/ws/viewer", null);
        nodes.haproxy().unsteer();
        vitals.send("{\"type\":\"hello\",\"protocolVersion\":2,\"credential\":{\"kind\":\"session\",\"token\":\""
                + session + "\",\"consultation\":\"" + consultation + "\"}}");
        vitals.nextOfType("welcome", NodeCall.WAIT);
        vitals.nextReadingFrom(kiosk.value(), NodeCall.WAIT);

        BrokerNodes.Reply issued = nodes.rest("POST", "/api/v1/consultations/" + consultation + "/commands",
                "{\"kind\":\"temperature\"}", session);
        assertEquals(202, issued.status(), issued.json().toString());
        String command = issued.json().path("id").asText();
        List<String> states = new ArrayList<>();
        while (!states.contains("done")) {
            JsonNode event = BrokerNodes.JSON.readTree(vitals.nextOfType("command", NodeCall.WAIT));
            if (event.path("command").asText().equals(command)) {
                states.add(event.path("state").asText());
            }
        }
    }

    /**
     * Scenario 2: SIGKILL to the node holding the room: the doctor's socket there drops at once, the patient's
     * (relayed from another node) is closed with 1012 once the home's heartbeat is stale; both come back through
     * HAProxy and a new offer and answer pass, without an admit. The killed node is started again if
     * {@code restart}. Returns the milliseconds from the kill to the new offer and answer.
     */
    private long killHomeAndGoOn(boolean restart) throws Exception {
        int home = nodes.home(call.consultation()).orElseThrow();
        long start = System.nanoTime();
        nodes.node(home).kill();
        call.awaitBothClosed(RECOVERY);
        call.goesOn(RECOVERY);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("Node death: node-%d killed, %d ms to a new offer and answer; load %s%n", home, millis,
                Files.readString(Path.of("/proc/loadavg")).strip());
        if (restart) {
            nodes.restart(home);
        }
        return millis;
    }

    /**
     * Every reading the agent published is stored once: the store's numbers are 1..highest without a gap or a double,
     * past what it held before (the agent sends again what a killed node had taken and not committed).
     */
    private void assertEveryReadingStoredOnce(KioskId kiosk) throws Exception {
        long highestBefore = nodes.stored(kiosk)[2];
        await("every reading stored once").atMost(STORED).pollInterval(Duration.ofMillis(200)).until(() -> {
            long[] stored = nodes.stored(kiosk);
            return stored[2] > highestBefore + 20 && stored[0] == stored[2];
        });
        long[] stored = nodes.stored(kiosk);
        assertEquals(stored[0], stored[1], "no number stored twice");
    }

    /** Enrolls the agent through HAProxy with a token from node 0's command line; a fast kiosk's schedule. */
    private static AgentConfig enroll(Path kioskDir, KioskId kiosk) throws Exception {
        String token = nodes.node(0).enrollmentToken(kiosk);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = new Enroller(Clock.systemUTC(), new SecureRandom(), new PrintStream(printed, true,
                StandardCharsets.UTF_8)).enroll(nodes.balancer(), token, kioskDir);
        if (exit != Enroller.OK) {
            throw new IllegalStateException("enrollment failed: " + printed.toString(StandardCharsets.UTF_8));
        }
        List<String> lines = new ArrayList<>(List.of("mqtt.reconnect.min=100ms", "mqtt.reconnect.max=1s",
                "data.dir=agent-data", "outbox.store-ack-timeout=15s"));
        lines.addAll(AgentKillSystemTest.FAST_KIOSK);
        Path config = kioskDir.resolve("agent.properties");
        Files.writeString(config, String.join("\n", lines) + "\n", StandardOpenOption.APPEND);
        return AgentConfigLoader.load(config);
    }

    /** The kiosk page's session cookie: a page token over mutual TLS with the agent's certificate, redeemed. */
    private static String kioskPageSession(AgentConfig agent) throws Exception {
        java.net.URI page = new KioskPageUrl(agent.mqttIdentity(), agent.mqttCaFile(), agent.renewalUrl()).fetch();
        String token = page.getFragment().substring("kiosk-token=".length());
        BrokerNodes.Reply session = nodes.rest("POST", "/api/v1/kiosk-session", "{\"token\":\"" + token + "\"}",
                null);
        assertEquals(200, session.status(), session.json().toString());
        String cookie = session.raw().headers().firstValue("Set-Cookie").orElseThrow();
        return cookie.substring(0, cookie.indexOf(';'));
    }
}
