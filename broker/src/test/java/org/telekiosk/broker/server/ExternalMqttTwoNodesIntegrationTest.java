package org.telekiosk.broker.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.account.Account;
import org.telekiosk.broker.account.Role;
import org.telekiosk.broker.consultation.Consultation;
import org.telekiosk.broker.request.Caller;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.Outcomes;
import org.telekiosk.broker.testing.PostgresSchema;
import org.telekiosk.broker.testing.RequiredPrograms;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.broker.testing.ViewerClient;
import org.telekiosk.broker.testing.VitalsFixture;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.downlink.Command;
import org.telekiosk.protocol.downlink.CommandKind;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.telemetry.CommandUpdate;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.topic.Topics;

/**
 * Two broker nodes in this JVM on one PostgreSQL schema and one external Mosquitto (started by the test on a free
 * port with the configuration {@code mosquitto-config} writes: mutual TLS with the nodes' CA, the generated ACLs),
 * neither node running its embedded HiveMQ (issue 17, vitals and commands across nodes): a kiosk's readings, taken by
 * whichever node the shared subscription hands them to, are stored once and reach the doctor's vitals socket on node
 * A in the kiosk's order; a command issued on node B reaches the kiosk and its states reach the doctor on A; node B
 * closed mid-stream leaves the stream to A, nothing lost or stored twice. Skipped without Mosquitto or PostgreSQL.
 *
 * <p>Not in the default build yet: {@code -Dtelekiosk.external-mqtt=true}. In a loop beside two clean-clone builds
 * (2026-12-05, load 5-8) 1 of 4 runs failed: the warm-up's 20 readings were not acknowledged to the kiosk through
 * Mosquitto within 30 s (cause not found yet; docs/scale-out.md); a build that fails one run in a few would hold back
 * everything else.
 */
@RequiredPrograms(RequiredPrograms.Program.MOSQUITTO)
@org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "telekiosk.external-mqtt", matches = "true",
        disabledReason = "flaky (1 of 4 in a loop): -Dtelekiosk.external-mqtt=true")
class ExternalMqttTwoNodesIntegrationTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    /** One reading every 5 ms: the agent's default backlog drain rate, 200/s. */
    static final Duration PACE = Duration.ofMillis(5);
    static final ObjectMapper JSON = new ObjectMapper();
    static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
    static final ExternalMosquittoNodes NODES = new ExternalMosquittoNodes();
    static final PostgresSchema SCHEMA = NODES.schema();
    static final int MQTT_PORT = NODES.mqttPort();

    static Map<String, String> onSharedMqttAndDatabase() {
        return NODES.config();
    }

    /** Node A: its CA made before it starts, Mosquitto configured from it and started ({@link ExternalMosquittoNodes}). */
    @RegisterExtension
    @Order(1)
    static final BrokerExtension A = NODES.nodeA();

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private static int doctors;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) {
            c.close();
        }
    }

    /** Node B on A's database and Mosquitto, with A's CA (as docs/scale-out.md has the operator copy it). */
    private Broker startNodeB() throws Exception {
        return TwoNodesIntegrationTest.startNode(A.dataDir(), dir -> { }, onSharedMqttAndDatabase(),
                Clock.systemUTC(), cleanup);
    }

    /** A doctor (on node A) with the patient at {@code kiosk} in the call of a room consultation. */
    record Call(Account doctor, Consultation consultation, ViewerClient vitals) {}

    private Call doctorOnA(KioskId kiosk) throws Exception {
        var access = A.broker().access();
        Account doctor = VitalsFixture.account(access, "dr-ext-" + (++doctors), Role.DOCTOR);
        Consultation consultation = VitalsFixture.inCall(access, doctor, kiosk);
        ViewerClient vitals = ViewerClient.connectAsDoctor(A, VitalsFixture.login(access, doctor), consultation.id());
        cleanup.add(vitals);
        return new Call(doctor, consultation, vitals);
    }

    /** A kiosk enrolled on node A, connected to Mosquitto, reading its downlink (store acknowledgements, commands). */
    private final class Kiosk {
        final KioskId id;
        final MqttClient mqtt;
        final AtomicLong storedThrough = new AtomicLong();
        final List<Command> commands = new CopyOnWriteArrayList<>();
        final Instant taken = Instant.now().plus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

        Kiosk(String name) throws Exception {
            id = KioskId.of(name);
            mqtt = TestKiosk.enroll(A, id).connect(A);
            cleanup.add(() -> {
                if (mqtt.isConnected()) {
                    mqtt.disconnect();
                }
                mqtt.close();
            });
            mqtt.subscribe(new MqttSubscription[] {new MqttSubscription(Topics.downlink(id), 1)},
                    new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(topic, message) -> {
                        if (topic.equals(Topics.acks(id))) {
                            storedThrough.accumulateAndGet(CBOR.decode(message.getPayload(), StoreAck.class)
                                    .storedThrough(), Math::max);
                        } else {
                            commands.add(CBOR.decode(message.getPayload(), Command.class));
                        }
                    }});
        }

        /**
         * Publishes {@code from..to}, one every {@link #PACE}: a kiosk draining a backlog (the agent's
         * {@code outbox.drain-rate}, 200/s by default), not a burst the MQTT broker hands out faster than anything
         * a kiosk sends.
         */
        void publishPaced(long from, long to) throws Exception {
            long next = System.nanoTime();
            for (long seq = from; seq <= to; seq++) {
                java.util.concurrent.locks.LockSupport.parkNanos(next - System.nanoTime());
                publish(seq);
                next += PACE.toNanos();
            }
        }

        void publish(long seq) throws Exception {
            MqttMessage message = new MqttMessage(CBOR.encode(new Measurement(id, seq, SensorId.of("mlx90614"),
                    LoincCode.BODY_TEMPERATURE, 36.0 + (seq % 10) / 10.0, UcumUnit.CELSIUS, taken.plusMillis(seq))));
            message.setQos(1);
            publishQos1(Topics.measurements(id), message);
        }

        /**
         * Paho's synchronous QoS 1 publish, again after a millisecond while Paho says "too many publishes in progress"
         * (32202) with none pending: its known defect (DESIGN.md), which the agent's own in-flight window avoids.
         */
        void publishQos1(String topic, MqttMessage message) throws Exception {
            for (int attempt = 0; ; attempt++) {
                try {
                    mqtt.publish(topic, message);
                    return;
                } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
                    if (e.getReasonCode() != org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_MAX_INFLIGHT
                            || attempt >= 5_000) {
                        throw e;
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
            }
        }

        void report(CommandUpdate update) throws Exception {
            MqttMessage message = new MqttMessage(CBOR.encode(update));
            message.setQos(1);
            publishQos1(Topics.commandUpdates(id), message);
        }

        /**
         * As the agent's outbox does: what the store acknowledgement does not cover after a while is sent again,
         * until it covers {@code last}.
         */
        void resendUntilStored(long last) {
            await("kiosk " + id + " acknowledged through " + last).atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(3)).until(() -> {
                        long through = storedThrough.get();
                        for (long seq = through + 1; seq <= last; seq++) {
                            publish(seq);
                        }
                        return storedThrough.get() >= last;
                    });
        }
    }

    /** The seq numbers of {@code kiosk}'s readings on the socket, in the order they came, once {@code last} came. */
    private static List<Long> readingsUntil(ViewerClient socket, KioskId kiosk, long last) throws Exception {
        List<Long> seqs = new ArrayList<>();
        while (seqs.isEmpty() || seqs.getLast() < last) {
            JsonNode reading = JSON.readTree(socket.nextReadingFrom(kiosk.value(), WAIT));
            seqs.add(reading.path("measurement").path("seq").asLong());
        }
        return seqs;
    }

    /** Rows per seq of {@code kiosk} in the shared store: (readings, distinct seqs, measurements). */
    private static long[] stored(KioskId kiosk) throws Exception {
        try (Connection c = DriverManager.getConnection(SCHEMA.url(), PostgresSchema.USER, "");
                PreparedStatement s = c.prepareStatement("SELECT (SELECT count(*) FROM reading WHERE kiosk = ?), "
                        + "(SELECT count(DISTINCT seq) FROM reading WHERE kiosk = ?), "
                        + "(SELECT count(*) FROM measurement WHERE kiosk = ?)")) {
            for (int i = 1; i <= 3; i++) {
                s.setString(i, kiosk.value());
            }
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return new long[] {r.getLong(1), r.getLong(2), r.getLong(3)};
            }
        }
    }

    /** How many of {@code kiosk}'s readings above {@code seq} the shared store holds. */
    private static long storedAbove(KioskId kiosk, long seq) throws Exception {
        try (Connection c = DriverManager.getConnection(SCHEMA.url(), PostgresSchema.USER, "");
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM reading WHERE kiosk = ? AND seq > ?")) {
            s.setString(1, kiosk.value());
            s.setLong(2, seq);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    @Test
    void readingsTakenByEitherNodeAreStoredOnceAndReachTheDoctorOnTheOtherNodeInTheKiosksOrder() throws Exception {
        Broker b = startNodeB();
        Kiosk kiosk = new Kiosk("ext-kiosk-a");
        // A few readings before the doctor watches: both nodes' paths are warm, and the kiosk's order is known to
        // node A's hub (a kiosk's first readings after a node's start wait once for lower numbers).
        int warmUp = 20;
        kiosk.publishPaced(1, warmUp);
        await().atMost(WAIT).until(() -> kiosk.storedThrough.get() >= warmUp);
        Call call = doctorOnA(kiosk.id);
        long acknowledgedByB = b.intakeAcknowledged();
        int count = warmUp + 200;
        kiosk.publishPaced(warmUp + 1, count);
        // The doctor's socket starts with the latest reading taken since the admission (a replay): the warm-up's last.
        List<Long> seen = readingsUntil(call.vitals(), kiosk.id, count).stream().filter(seq -> seq > warmUp).toList();
        // In the kiosk's order, never one twice. A reading that reaches node A more than 300 ms after the next one
        // (ViewerHub.ORDER_WAIT: the other node's store commit was that much slower) is not drawn behind it; on this
        // shared 2-core machine at load averages of 20-26 that happened to up to 11 % in stretches where every other
        // reading (node B's) came late (docs/scale-out.md). Without the relay, node B's share, about half, never
        // arrives, which three quarters still tells apart.
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i) > seen.get(i - 1), "in order and never twice on node A's socket: " + seen);
        }
        assertTrue(seen.size() >= (count - warmUp) * 3 / 4, "most readings on node A's socket: " + seen);
        System.out.printf("Readings across nodes: %d of %d on node A's socket%n", seen.size(), count - warmUp);
        await().atMost(WAIT).until(() -> kiosk.storedThrough.get() >= count);
        assertEquals(List.of((long) count, (long) count, (long) count),
                java.util.Arrays.stream(stored(kiosk.id)).boxed().toList());
        assertTrue(b.intakeAcknowledged() > acknowledgedByB,
                "node B took part of the stream from the shared subscription (and relayed it to A)");
    }

    @Test
    void aCommandIssuedOnNodeBReachesTheKioskAndItsStatesReachTheDoctorOnNodeA() throws Exception {
        Broker b = startNodeB();
        Kiosk kiosk = new Kiosk("ext-kiosk-b");
        Call call = doctorOnA(kiosk.id);
        var issued = Outcomes.done(b.commands().issue(new Caller.Staff(call.doctor()), call.consultation().id(),
                CommandKind.TEMPERATURE, 0, Optional.empty()));
        await("the command on the kiosk's downlink").atMost(WAIT).until(() -> !kiosk.commands.isEmpty());
        Command command = kiosk.commands.getFirst();
        assertEquals(issued.id(), command.id());
        kiosk.report(CommandUpdate.running(kiosk.id, command.id(), Instant.now()));
        kiosk.report(CommandUpdate.done(kiosk.id, command.id(), List.of(), Instant.now()));
        List<String> states = new ArrayList<>();
        while (!states.contains("done")) {
            JsonNode event = JSON.readTree(call.vitals().nextOfType("command", WAIT));
            assertEquals(command.id().toString(), event.path("command").asText());
            states.add(event.path("state").asText());
        }
        assertEquals("queued", states.getFirst(), "the state kept on node B reached node A: " + states);
    }

    /**
     * Cross-node against same-node vitals latency: one doctor's vitals sockets on both nodes, the kiosk publishing one
     * reading every {@code telekiosk.bench.interval-ms} (20) ms, {@code telekiosk.bench.readings} (1,000) of them;
     * for each reading, from just before the kiosk's publish to its arrival at each socket. The socket on the node
     * that took the reading from the shared subscription gets it first (the node forwards to its own viewers, then
     * relays): that arrival is the same-node figure, the other socket's the cross-node one. Prints percentiles.
     */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "telekiosk.bench", matches = "true")
    void benchmarkCrossNodeVitalsLatency() throws Exception {
        Broker b = startNodeB();
        Kiosk kiosk = new Kiosk("ext-bench-" + Long.toHexString(System.nanoTime() & 0xffffff));
        Call call = doctorOnA(kiosk.id);
        ViewerClient onB = ViewerClient.connect(b);
        cleanup.add(onB);
        onB.send(VitalsFixture.hello(VitalsFixture.login(A.broker().access(), call.doctor()), call.consultation().id()));
        onB.nextOfType("welcome", WAIT);
        int count = Integer.getInteger("telekiosk.bench.readings", 1_000);
        long interval = Duration.ofMillis(Integer.getInteger("telekiosk.bench.interval-ms", 20)).toNanos();
        long[] sent = new long[count + 1];
        long[][] arrived = new long[2][count + 1];
        List<Thread> readers = new ArrayList<>();
        ViewerClient[] sockets = {call.vitals(), onB};
        for (int s = 0; s < 2; s++) {
            int socket = s;
            readers.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int n = 0; n < count; n++) {
                        JsonNode reading = JSON.readTree(sockets[socket].nextReadingFrom(kiosk.id.value(), WAIT));
                        long now = System.nanoTime();
                        int seq = reading.path("measurement").path("seq").asInt();
                        arrived[socket][seq] = now;
                        if (seq == count) {
                            return;
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        long next = System.nanoTime();
        for (int seq = 1; seq <= count; seq++) {
            java.util.concurrent.locks.LockSupport.parkNanos(next - System.nanoTime());
            sent[seq] = System.nanoTime();
            kiosk.publish(seq);
            next += interval;
        }
        for (Thread reader : readers) {
            reader.join(WAIT.toMillis());
        }
        List<Double> same = new ArrayList<>();
        List<Double> cross = new ArrayList<>();
        for (int seq = 1; seq <= count; seq++) {
            if (arrived[0][seq] == 0 || arrived[1][seq] == 0) {
                continue;
            }
            long first = Math.min(arrived[0][seq], arrived[1][seq]);
            long second = Math.max(arrived[0][seq], arrived[1][seq]);
            same.add((first - sent[seq]) / 1e6);
            cross.add((second - sent[seq]) / 1e6);
        }
        System.out.printf("Cross-node vitals latency: %d readings every %d ms, both sockets got %d; same node p50 %.1f "
                + "ms p99 %.1f ms max %.1f ms; across nodes p50 %.1f ms p99 %.1f ms max %.1f ms; load %s%n", count,
                interval / 1_000_000, same.size(), percentile(same, 50), percentile(same, 99), percentile(same, 100),
                percentile(cross, 50), percentile(cross, 99), percentile(cross, 100),
                Files.readString(Path.of("/proc/loadavg")).strip());
        assertTrue(same.size() > count * 9 / 10, "most readings reached both sockets");
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    @Test
    void aNodeClosedMidStreamLeavesTheStreamToTheOtherNodeWithNothingLostOrStoredTwice() throws Exception {
        Broker b = startNodeB();
        Kiosk kiosk = new Kiosk("ext-kiosk-c");
        Call call = doctorOnA(kiosk.id);
        int count = 300;
        long acknowledgedByB = 0;
        kiosk.publishPaced(1, count / 3);
        await("node B took part of the stream").atMost(WAIT).until(() -> b.intakeAcknowledged() > 0);
        acknowledgedByB = b.intakeAcknowledged();
        b.close();
        kiosk.publishPaced(count / 3 + 1, count);
        // Once B is gone, the MQTT broker hands the whole stream to A: everything published after B's close is stored
        // without being sent again (a member whose session outlived its connection would keep receiving its share).
        long closedAt = count / 3;
        await("everything published after node B's close stored by node A").atMost(WAIT)
                .until(() -> storedAbove(kiosk.id, closedAt) == count - closedAt);
        // What B held unacknowledged when it closed, the kiosk sends again, as its outbox does.
        kiosk.resendUntilStored(count);
        assertTrue(acknowledgedByB > 0);
        long[] rows = stored(kiosk.id);
        assertEquals(List.of((long) count, (long) count, (long) count),
                java.util.Arrays.stream(rows).boxed().toList(), "every reading stored, once");
        List<Long> seen = readingsUntil(call.vitals(), kiosk.id, count);
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i) > seen.get(i - 1), "in order and never twice on node A's socket: " + seen);
        }
    }
}
