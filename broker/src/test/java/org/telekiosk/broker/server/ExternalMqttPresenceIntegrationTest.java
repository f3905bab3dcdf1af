package org.telekiosk.broker.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.RequiredPrograms;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.link.profile.LinkProfile;
import org.telekiosk.link.profile.LinkSchedule;
import org.telekiosk.link.relay.Link;
import org.telekiosk.link.relay.Ticker;
import org.telekiosk.link.relay.TcpRelay;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.Presence;
import org.telekiosk.protocol.topic.Topics;

/**
 * The kiosks' online state with an external MQTT broker (issue 17): two broker nodes in this JVM on one PostgreSQL
 * schema and one Mosquitto 2.0.11 with the generated configuration and ACLs, neither node seeing the kiosks'
 * connections. A kiosk connects as protocol/README.md says ("presence"): with a Will {@code offline} on its status
 * topic, then {@code online}; both nodes show it online, and offline again after a DISCONNECT with reason 0x04, after
 * its TCP connection is cut (a killed kiosk), and after its link goes silent (the MQTT broker's keep-alive), each time
 * through the Will. Skipped without Mosquitto or PostgreSQL.
 */
@RequiredPrograms(RequiredPrograms.Program.MOSQUITTO)
class ExternalMqttPresenceIntegrationTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
    static final ExternalMosquittoNodes NODES = new ExternalMosquittoNodes();
    static final int MQTT_PORT = NODES.mqttPort();

    static Map<String, String> onSharedMqttAndDatabase() {
        return NODES.config();
    }

    @RegisterExtension
    @Order(1)
    static final BrokerExtension A = NODES.nodeA();

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) {
            c.close();
        }
    }

    private Broker nodeB() throws Exception {
        return TwoNodesIntegrationTest.startNode(A.dataDir(), dir -> { }, onSharedMqttAndDatabase(),
                Clock.systemUTC(), cleanup);
    }

    /** Connects as a kiosk does: the Will says offline, then it publishes online, both with {@code connection}. */
    private MqttAsyncClient connect(TestKiosk kiosk, int port, long connection, int keepAliveSeconds) throws Exception {
        MqttAsyncClient client = new MqttAsyncClient("ssl://localhost:" + port, kiosk.id().value(), new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setSocketFactory(kiosk.tls().getSocketFactory());
        options.setHttpsHostnameVerificationEnabled(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(keepAliveSeconds);
        options.setWill(Topics.status(kiosk.id()), message(new Presence(kiosk.id(), Presence.State.OFFLINE,
                connection)));
        options.setWillMessageProperties(new MqttProperties());
        cleanup.add(() -> closeQuietly(client));
        client.connect(options).waitForCompletion(WAIT.toMillis());
        client.publish(Topics.status(kiosk.id()), message(new Presence(kiosk.id(), Presence.State.ONLINE,
                connection))).waitForCompletion(WAIT.toMillis());
        return client;
    }

    private static void closeQuietly(MqttAsyncClient client) {
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 1_000, false);
            }
            client.close(true);
        } catch (org.eclipse.paho.mqttv5.common.MqttException | RuntimeException e) {
            // Paho 1.2.5 throws from half-torn-down clients; the test is over.
        }
    }

    /** A TCP relay in front of Mosquitto, closed after the test. */
    private TcpRelay relay(Link link) throws Exception {
        TcpRelay relay = new TcpRelay(new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", MQTT_PORT), link, 1);
        cleanup.add(relay);
        return relay;
    }

    private TcpRelay relay() throws Exception {
        return relay(new Link(LinkSchedule.steady(LinkProfile.perfect()), Ticker.SYSTEM));
    }

    private static MqttMessage message(Presence presence) {
        MqttMessage message = new MqttMessage(CBOR.encode(presence));
        message.setQos(1);
        message.setRetained(false);
        return message;
    }

    private static void awaitOnline(KioskId kiosk, boolean online, Broker... nodes) {
        for (Broker node : nodes) {
            await(kiosk + (online ? " online" : " offline")).atMost(WAIT)
                    .until(() -> node.presence().online(kiosk) == online);
        }
    }

    @Test
    void aKioskIsOnlineOnEveryNodeAfterItsAnnouncementAndOfflineAfterAnOrderlyDisconnectOrItsDeath()
            throws Exception {
        Broker b = nodeB();
        KioskId id = KioskId.of("presence-ext-a");
        TestKiosk kiosk = TestKiosk.enroll(A, id);
        Broker a = A.broker();
        assertFalse(a.presence().online(id));
        Instant beforeConnect = Instant.now();

        MqttAsyncClient first = connect(kiosk, MQTT_PORT, 1, 60);
        awaitOnline(id, true, a, b);
        await().atMost(WAIT).until(() -> b.kiosks().lastSeen(id).filter(t -> !t.isBefore(beforeConnect))
                .isPresent());

        // Closed in order, with the Will: 0x04 "Disconnect with Will Message" (MQTT 5 §3.14.2.1).
        first.disconnect(10_000, null, null, 0x04, new MqttProperties()).waitForCompletion(10_000);
        awaitOnline(id, false, a, b);

        // A killed kiosk: its TCP connection ends without DISCONNECT (the relay closes it, as the kernel of a killed
        // process does), and the MQTT broker sends its Will at once.
        TcpRelay relay = relay();
        connect(kiosk, relay.port(), 2, 60);
        awaitOnline(id, true, a, b);
        relay.close();
        awaitOnline(id, false, a, b);
    }

    @Test
    void aKioskWhoseLinkGoesSilentIsOfflineOnceTheMqttBrokersKeepAliveRunsOut() throws Exception {
        KioskId id = KioskId.of("presence-ext-b");
        TestKiosk kiosk = TestKiosk.enroll(A, id);
        Link link = new Link(LinkSchedule.steady(LinkProfile.perfect()), Ticker.SYSTEM);
        TcpRelay relay = relay(link);
        connect(kiosk, relay.port(), 1, 2);
        awaitOnline(id, true, A.broker());

        // Neither a FIN nor a byte: the machine vanished. Mosquitto ends the connection after 1.5 × the keep-alive.
        link.switchTo(LinkSchedule.steady(LinkProfile.blackout()));
        awaitOnline(id, false, A.broker());
    }

    /**
     * Mosquitto takes a CONNECT whose Will names another kiosk's topic, but checks the Will against the ACL when it
     * would publish it (the generated ACL lets a kiosk write only its own status topic) and drops it.
     */
    @Test
    void aWillOnAnotherKiosksTopicIsDroppedByTheMqttBroker() throws Exception {
        TestKiosk intruder = TestKiosk.enroll(A, KioskId.of("presence-ext-c"));
        TestKiosk victim = TestKiosk.enroll(A, KioskId.of("presence-ext-d"));
        TcpRelay relay = relay();
        MqttAsyncClient client = new MqttAsyncClient("ssl://localhost:" + relay.port(), intruder.id().value(),
                new MemoryPersistence());
        cleanup.add(() -> closeQuietly(client));
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setSocketFactory(intruder.tls().getSocketFactory());
        options.setHttpsHostnameVerificationEnabled(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        options.setWill(Topics.status(victim.id()), message(new Presence(victim.id(), Presence.State.OFFLINE,
                Long.MAX_VALUE)));
        options.setWillMessageProperties(new MqttProperties());
        client.connect(options).waitForCompletion(WAIT.toMillis());
        relay.close(); // the intruder "dies": Mosquitto would publish its Will now

        // Had the Will reached node A, its connection number would hide every later announcement of the victim.
        connect(victim, MQTT_PORT, 1, 60);
        awaitOnline(victim.id(), true, A.broker());
    }
}
