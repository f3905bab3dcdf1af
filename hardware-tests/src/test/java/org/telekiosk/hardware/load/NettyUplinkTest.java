package org.telekiosk.hardware.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AttributeKey;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.telekiosk.agent.uplink.MqttPassword;
import org.telekiosk.agent.uplink.Puback;
import org.telekiosk.agent.uplink.UplinkSettings;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.downlink.Command;
import org.telekiosk.protocol.downlink.CommandKind;
import org.telekiosk.protocol.retry.ReconnectPolicy;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Presence;
import org.telekiosk.protocol.topic.AckNegotiation;
import org.telekiosk.protocol.topic.Topics;

/**
 * {@link NettyUplink} with {@link MqttPackets}' real handlers and {@link PingDeadline} on {@code EmbeddedChannel}s, one
 * per connection attempt, all on one embedded loop whose time the test moves ({@code advanceTimeBy}): what the client
 * writes is decoded by Netty's own {@link MqttDecoder} as a server would, what the server says is encoded by Netty's
 * {@link MqttEncoder}. No socket, no TLS, no sleep.
 */
class NettyUplinkTest {
    private static final KioskId KIOSK = KioskId.of("load-0001");
    private static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(60);
    private static final Duration BACKOFF = Duration.ofSeconds(2);
    private static final AttributeKey<MqttVersion> MQTT_VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    private final EmbeddedChannel loopOwner = new EmbeddedChannel();
    private final List<Connection> connections = new ArrayList<>();
    private final NettyKiosks.Counts counts = new NettyKiosks.Counts();
    private final UplinkSettings settings = new UplinkSettings(URI.create("ssl://broker.test:8883"), KIOSK,
            MqttPassword.of("kiosk-secret"), Path.of("ca.pem"), Duration.ofDays(1), 10, KEEP_ALIVE,
            Duration.ofSeconds(30));
    private final NettyUplink uplink = new NettyUplink(settings, session -> {
        ChannelHandler[] mqtt = MqttPackets.mqttHandlers(settings, NettyKiosks.MAX_PACKET, counts);
        ChannelHandler[] handlers = Arrays.copyOf(mqtt, mqtt.length + 1);
        handlers[mqtt.length] = session;
        EmbeddedChannel channel = new EmbeddedChannel(false, false, handlers);
        connections.add(new Connection(channel));
        return loopOwner.eventLoop().register(channel);
    }, loopOwner.eventLoop(), new ReconnectPolicy(BACKOFF, BACKOFF, new SplittableRandom(1)), counts);

    @AfterEach
    void close() {
        uplink.close();
        loopOwner.finishAndReleaseAll();
    }

    @Test
    void theConnectIsTheAgentsFieldByFieldAsNettysDecoderReadsIt() throws Exception {
        Connection c = dial();
        MqttConnectMessage connect = assertInstanceOf(MqttConnectMessage.class, c.sent());

        assertEquals("MQTT", connect.variableHeader().name());
        assertEquals(MqttVersion.MQTT_5.protocolLevel(), (byte) connect.variableHeader().version());
        assertFalse(connect.variableHeader().isCleanSession(), "Clean Start 0");
        assertEquals(60, connect.variableHeader().keepAliveTimeSeconds());
        MqttProperties properties = connect.variableHeader().properties();
        assertEquals(86_400, properties.getProperty(
                MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL.value()).value());
        List<? extends MqttProperties.MqttProperty> user = properties.getProperties(
                MqttProperties.MqttPropertyType.USER_PROPERTY.value());
        assertEquals(1, user.size(), "user properties: " + user);
        MqttProperties.StringPair ack = (MqttProperties.StringPair) user.getFirst().value();
        assertEquals(AckNegotiation.NAME, ack.key);
        assertEquals(AckNegotiation.PUBACK, ack.value);
        assertNull(properties.getProperty(MqttProperties.MqttPropertyType.RECEIVE_MAXIMUM.value()),
                "no Receive Maximum, as the agent's Paho options set none (65,535, §3.1.2.11.3)");
        assertNull(properties.getProperty(MqttProperties.MqttPropertyType.MAXIMUM_PACKET_SIZE.value()));

        assertEquals(KIOSK.value(), connect.payload().clientIdentifier());
        assertTrue(connect.variableHeader().isWillFlag());
        assertEquals(MqttQoS.AT_LEAST_ONCE.value(), connect.variableHeader().willQos());
        assertFalse(connect.variableHeader().isWillRetain());
        assertEquals(Topics.status(KIOSK), connect.payload().willTopic());
        assertTrue(connect.payload().willProperties().isEmpty(), "no Will properties");
        Presence will = CBOR.decode(connect.payload().willMessageInBytes(), Presence.class);
        assertEquals(KIOSK, will.kiosk());
        assertEquals(Presence.State.OFFLINE, will.state());
        assertTrue(will.connection() > 0, "the connection's number: " + will);

        assertTrue(connect.variableHeader().hasUserName());
        assertEquals(KIOSK.value(), connect.payload().userName());
        assertTrue(connect.variableHeader().hasPassword());
        assertArrayEquals("kiosk-secret".getBytes(StandardCharsets.UTF_8), connect.payload().passwordInBytes());
    }

    @Test
    void theConnectionIsReportedOnlyAfterTheSubackAndTheOnlinePubackAndPublishesHonourTheServersWindow()
            throws Exception {
        Connection c = dial();
        c.sent(); // CONNECT
        c.receive(connack(2, true));
        MqttPublishMessage online = assertInstanceOf(MqttPublishMessage.class, c.sent());
        assertEquals(Topics.status(KIOSK), online.variableHeader().topicName());
        assertEquals(Presence.State.ONLINE, CBOR.decode(bytes(online.payload()), Presence.class).state());
        MqttSubscribeMessage subscribe = assertInstanceOf(MqttSubscribeMessage.class, c.sent());
        assertEquals(Topics.downlink(KIOSK), subscribe.payload().topicSubscriptions().getFirst().topicName());
        assertEquals(MqttQoS.AT_LEAST_ONCE, subscribe.payload().topicSubscriptions().getFirst().qualityOfService());
        assertFalse(uplink.isConnected(), "not before the SUBACK and the PUBACK of online");

        c.receive(suback(subscribe.variableHeader().messageId()));
        assertFalse(uplink.isConnected(), "not before the PUBACK of online");
        c.receive(puback(online.variableHeader().packetId(), 0x00));
        assertTrue(uplink.isConnected());

        CompletableFuture<Puback> first = uplink.publishReading(reading(1));
        CompletableFuture<Puback> second = uplink.publishReading(reading(2));
        assertTrue(uplink.publishReading(reading(3)).isCompletedExceptionally(),
                "the CONNACK's Receive Maximum of 2 is the window");
        MqttPublishMessage p1 = assertInstanceOf(MqttPublishMessage.class, c.sent());
        MqttPublishMessage p2 = assertInstanceOf(MqttPublishMessage.class, c.sent());
        assertEquals(Topics.measurements(KIOSK), p1.variableHeader().topicName());
        assertEquals(MqttQoS.AT_LEAST_ONCE, p1.fixedHeader().qosLevel());
        assertEquals(1, ((Measurement) CBOR.decode(bytes(p1.payload()), KioskMessage.class)).seq());

        c.receive(puback(p1.variableHeader().packetId(), 0x00));
        c.receive(puback(p2.variableHeader().packetId(), 0x97));
        assertEquals(Puback.STORED, first.getNow(null), "PUBACK 0x00 where the CONNACK granted telekiosk-ack");
        assertTrue(second.isCompletedExceptionally(), "0x97: throttled");
        assertEquals(1L, counts.snapshot().get("PUBACK 0x97"));
        assertTrue(c.channel.isActive());
    }

    @Test
    void aPingreqUnansweredForAKeepAliveClosesTheConnectionCountsItAndReconnectsAfterTheBackoff() throws Exception {
        Connection c = ready();
        c.channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_WRITER_IDLE_STATE_EVENT);
        assertEquals(MqttMessageType.PINGREQ, c.sent().fixedHeader().messageType());

        c.channel.advanceTimeBy(KEEP_ALIVE.toSeconds() - 1, TimeUnit.SECONDS);
        c.channel.runPendingTasks();
        assertTrue(c.channel.isActive(), "still within the Keep Alive");
        c.channel.advanceTimeBy(1, TimeUnit.SECONDS);
        c.channel.runPendingTasks();

        assertFalse(c.channel.isActive(), "the silent server's connection is closed");
        assertFalse(uplink.isConnected());
        assertEquals(1L, counts.snapshot().get("lost when up: PingrespTimeoutException: no PINGRESP nor any other"
                + " packet within the Keep Alive of 60 s after a PINGREQ"), "counted: " + counts.snapshot());
        assertEquals(1, connections.size());
        loopOwner.advanceTimeBy(BACKOFF.toMillis(), TimeUnit.MILLISECONDS);
        loopOwner.runPendingTasks();
        assertEquals(2, connections.size(), "a new attempt after the agent's backoff");
        assertInstanceOf(MqttConnectMessage.class, connections.get(1).sent());
    }

    @Test
    void aPingrespWithinTheKeepAliveKeepsTheConnection() throws Exception {
        Connection c = ready();
        c.channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        assertEquals(MqttMessageType.PINGREQ, c.sent().fixedHeader().messageType());
        c.channel.advanceTimeBy(30, TimeUnit.SECONDS);
        c.channel.runPendingTasks();
        c.receive(new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false,
                0)));
        c.channel.advanceTimeBy(KEEP_ALIVE.toSeconds() * 3, TimeUnit.SECONDS);
        c.channel.runPendingTasks();
        assertTrue(c.channel.isActive());
        assertTrue(uplink.isConnected());
        assertEquals(1L, counts.snapshot().get("PINGRESP"));
    }

    @Test
    void otherTrafficAfterAPingreqShowsTheServerAliveForAnotherKeepAliveAsPahoJudgesIt() throws Exception {
        Connection c = ready();
        CompletableFuture<Puback> sent = uplink.publishReading(reading(1));
        MqttPublishMessage publish = assertInstanceOf(MqttPublishMessage.class, c.sent());
        c.channel.pipeline().fireUserEventTriggered(IdleStateEvent.WRITER_IDLE_STATE_EVENT);
        assertEquals(MqttMessageType.PINGREQ, c.sent().fixedHeader().messageType());
        c.channel.advanceTimeBy(30, TimeUnit.SECONDS);
        c.channel.runPendingTasks();
        c.receive(puback(publish.variableHeader().packetId(), 0x00));
        assertEquals(Puback.STORED, sent.getNow(null));

        c.channel.advanceTimeBy(30, TimeUnit.SECONDS);
        c.channel.runPendingTasks();
        assertTrue(c.channel.isActive(), "the server spoke within the Keep Alive after the PINGREQ");
        c.channel.advanceTimeBy(KEEP_ALIVE.toSeconds(), TimeUnit.SECONDS);
        c.channel.runPendingTasks();
        assertFalse(c.channel.isActive(), "then a whole Keep Alive of silence with the PINGREQ still unanswered");
    }

    @Test
    void noPingreqBeforeTheConnack() throws Exception {
        Connection c = dial();
        c.sent(); // CONNECT
        c.channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_WRITER_IDLE_STATE_EVENT);
        assertNull(c.channel.readOutbound());
    }

    @Test
    void aMalformedPacketFromTheServerEndsTheConnectionWithAReasonAndReconnects() throws Exception {
        Connection c = ready();
        c.channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x00, 0x00})); // packet type 0 is reserved
        c.channel.runPendingTasks();
        assertFalse(c.channel.isActive());
        assertTrue(counts.snapshot().keySet().stream().anyMatch(k -> k.startsWith("lost when up: undecodable packet")),
                "counted: " + counts.snapshot());
        loopOwner.advanceTimeBy(BACKOFF.toMillis(), TimeUnit.MILLISECONDS);
        loopOwner.runPendingTasks();
        assertEquals(2, connections.size());
    }

    @Test
    void anOversizedPacketFromTheServerEndsTheConnectionAtItsHeaderWithoutWaitingForItsBytes() throws Exception {
        Connection c = ready();
        // PUBLISH QoS 0 announcing 100,000 bytes (variable byte integer 0xA0 0x8D 0x06): its variable header (topic
        // "t", no properties) and two bytes of payload arrive; Netty's decoder refuses it there
        c.channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x30, (byte) 0xA0, (byte) 0x8D, 0x06, 0, 1, 't', 0,
            1, 2}));
        c.channel.runPendingTasks();
        assertFalse(c.channel.isActive());
        assertTrue(counts.snapshot().keySet().stream().anyMatch(k -> k.startsWith("lost when up: undecodable packet")
                && k.contains("100000")), "counted: " + counts.snapshot());
        loopOwner.advanceTimeBy(BACKOFF.toMillis(), TimeUnit.MILLISECONDS);
        loopOwner.runPendingTasks();
        assertEquals(2, connections.size());
    }

    @Test
    void aCommandIsPubackedAndHandedToTheListenersAndAMalformedOneOnlyCounted() throws Exception {
        List<Command> commands = new ArrayList<>();
        uplink.addCommandListener(commands::add);
        Connection c = ready();
        Instant now = Instant.now();
        Command command = new Command(KIOSK, UUID.randomUUID(), CommandKind.TEMPERATURE, 0, now,
                now.plusSeconds(120));
        c.receive(downlink(Topics.commands(KIOSK), CBOR.encode(command), 7));
        assertEquals(List.of(command), commands);
        MqttMessage ack = c.sent();
        assertEquals(MqttMessageType.PUBACK, ack.fixedHeader().messageType());
        assertEquals(7, ((MqttMessageIdVariableHeader) ack.variableHeader()).messageId());

        c.receive(downlink(Topics.commands(KIOSK), "{\"type\":\"command\",\"kind\":\"X-RAY\"}"
                .getBytes(StandardCharsets.UTF_8), 8));
        assertEquals(MqttMessageType.PUBACK, c.sent().fixedHeader().messageType());
        assertEquals(1, commands.size());
        assertEquals(1L, counts.snapshot().get("malformed downlink message"));
        assertEquals(1L, counts.snapshot().get("command received"));
        assertTrue(c.channel.isActive());
    }

    private Connection dial() {
        uplink.start();
        loopOwner.runPendingTasks();
        return connections.getLast();
    }

    private Connection ready() throws Exception {
        Connection c = dial();
        c.sent(); // CONNECT
        c.receive(connack(10, true));
        MqttPublishMessage online = (MqttPublishMessage) c.sent();
        MqttSubscribeMessage subscribe = (MqttSubscribeMessage) c.sent();
        c.receive(suback(subscribe.variableHeader().messageId()));
        c.receive(puback(online.variableHeader().packetId(), 0x00));
        assertTrue(uplink.isConnected());
        return c;
    }

    private static Measurement reading(long seq) {
        return new Measurement(KIOSK, seq, SensorId.of("mlx90614"), LoincCode.BODY_TEMPERATURE, 36.6,
                UcumUnit.CELSIUS, Instant.parse("2026-12-06T12:00:00Z"));
    }

    private static MqttMessage connack(int receiveMaximum, boolean grantPubackAck) {
        MqttProperties properties = new MqttProperties();
        properties.add(new MqttProperties.IntegerProperty(MqttProperties.MqttPropertyType.RECEIVE_MAXIMUM.value(),
                receiveMaximum));
        if (grantPubackAck) {
            properties.add(new MqttProperties.UserProperty(AckNegotiation.NAME, AckNegotiation.PUBACK));
        }
        return new MqttConnAckMessage(new MqttFixedHeader(MqttMessageType.CONNACK, false, MqttQoS.AT_MOST_ONCE, false,
                0), new MqttConnAckVariableHeader(MqttConnectReturnCode.CONNECTION_ACCEPTED, false, properties));
    }

    private static MqttMessage suback(int packetId) {
        return new MqttSubAckMessage(new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false,
                0), MqttMessageIdVariableHeader.from(packetId), new MqttSubAckPayload(1));
    }

    private static MqttMessage puback(int packetId, int reasonCode) {
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttPubReplyMessageVariableHeader(packetId, (byte) reasonCode, MqttProperties.NO_PROPERTIES));
    }

    private static MqttMessage downlink(String topic, byte[] payload, int packetId) {
        return MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.AT_LEAST_ONCE).retained(false)
                .messageId(packetId).payload(Unpooled.wrappedBuffer(payload)).build();
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] out = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), out);
        return out;
    }

    /** One connection attempt's channel, with the server's side of the codec: Netty's decoder and encoder. */
    private static final class Connection {
        final EmbeddedChannel channel;
        final EmbeddedChannel server = new EmbeddedChannel(new MqttDecoder(), MqttEncoder.INSTANCE);

        Connection(EmbeddedChannel channel) {
            this.channel = channel;
            server.attr(MQTT_VERSION).set(MqttVersion.MQTT_5);
        }

        /** The next packet the client wrote, decoded as a server decodes it. */
        MqttMessage sent() {
            ByteBuf written = channel.readOutbound();
            assertTrue(written != null, "the client wrote nothing");
            server.writeInbound(written);
            MqttMessage message = server.readInbound();
            assertTrue(message.decoderResult().isSuccess(), () -> "undecodable: " + message.decoderResult());
            return message;
        }

        /** Sends {@code message} from the server: its bytes, through the client's whole pipeline. */
        void receive(MqttMessage message) {
            server.writeOutbound(message);
            for (ByteBuf out = server.readOutbound(); out != null; out = server.readOutbound()) {
                channel.writeInbound(out);
            }
            channel.runPendingTasks();
        }
    }
}
