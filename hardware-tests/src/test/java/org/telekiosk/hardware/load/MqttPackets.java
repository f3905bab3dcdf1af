package org.telekiosk.hardware.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubAckMessage;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import org.telekiosk.agent.uplink.Puback;
import org.telekiosk.agent.uplink.UplinkException;
import org.telekiosk.agent.uplink.UplinkException.Reason;
import org.telekiosk.agent.uplink.UplinkSettings;
import org.telekiosk.broker.server.EventLoops;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.downlink.Command;
import org.telekiosk.protocol.downlink.KioskDownlink;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.telemetry.CommandUpdate;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Presence;
import org.telekiosk.protocol.telemetry.WaveformBatch;
import org.telekiosk.protocol.topic.AckNegotiation;
import org.telekiosk.protocol.topic.Topics;

/**
 * The MQTT 5 packets a {@link NettyUplink} sends, as the agent's {@code PahoSession} sends them, what it reads from
 * the server's, and its channel's handlers ({@link #dial}): built and read with Netty's codec ({@code netty-codec-mqtt}).
 */
final class MqttPackets {
    /** Absent Receive Maximum means 65,535 (MQTT 5 §3.2.2.3.3). */
    static final int DEFAULT_RECEIVE_MAXIMUM = 65_535;
    /** PUBACK reason codes of 0x80 and above are errors (§3.4.2.1). */
    static final int FIRST_ERROR_REASON_CODE = 0x80;
    /** PUBACK 0x97 "quota exceeded": not taken now, fine in itself (protocol/README.md). */
    static final int QUOTA_EXCEEDED = 0x97;
    /** DISCONNECT "Disconnect with Will Message" (§3.14.2.1): the session stays, the Will says offline. */
    static final byte DISCONNECT_WITH_WILL = 0x04;
    private static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
    private static final MqttMessage PINGREQ = new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGREQ, false,
            MqttQoS.AT_MOST_ONCE, false, 0));

    private MqttPackets() {}

    /**
     * The agent's CONNECT: client id = kiosk id, Clean Start 0, its Keep Alive and Session Expiry Interval
     * (§3.1.2.11.2), the user property {@code telekiosk-ack} = {@code puback} (protocol/README.md), user name and
     * password only when the kiosk has a password, and a Will (§3.1.2.5: QoS 1, not retained, no properties) saying
     * {@code offline} with this connection's number.
     */
    static MqttMessage connect(UplinkSettings settings, long connection) {
        MqttProperties properties = new MqttProperties();
        properties.add(new MqttProperties.IntegerProperty(
                MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(),
                (int) settings.sessionExpiry().toSeconds())); // up to 0xFFFFFFFE: the same four bytes
        properties.add(new MqttProperties.UserProperty(AckNegotiation.NAME, AckNegotiation.PUBACK));
        String kiosk = settings.kiosk().value();
        MqttMessageBuilders.ConnectBuilder connect = MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5)
                .clientId(kiosk).cleanSession(false).keepAlive((int) settings.keepAlive().toSeconds())
                .properties(properties).willFlag(true).willQoS(MqttQoS.AT_LEAST_ONCE).willRetain(false)
                .willTopic(Topics.status(settings.kiosk()))
                .willMessage(CBOR.encode(new Presence(settings.kiosk(), Presence.State.OFFLINE, connection)))
                .willProperties(MqttProperties.NO_PROPERTIES);
        if (settings.password() != null) {
            connect.hasUser(true).username(kiosk).hasPassword(true).password(settings.password().bytes());
        }
        return connect.build();
    }

    /** Opens one connection whose pipeline ends in the session's handler; the attempt fails through the future. */
    @FunctionalInterface
    interface Dialer {
        ChannelFuture dial(ChannelHandler session);
    }

    /**
     * Opens one connection on {@code loop} whose pipeline ends in {@code session}: TCP, TLS with the kiosk's context
     * (host name checked as the agent does, RFC 6125; the handshake may take the whole connect timeout, as the agent's
     * socket allows), then {@link #mqttHandlers}. The channel is of {@code loop}'s transport (epoll or NIO).
     */
    static ChannelFuture dial(EventLoop loop, SslContext tls, UplinkSettings settings, int maxPacket,
            NettyKiosks.Counts counts, ChannelHandler session) {
        URI server = settings.serverUri();
        return new Bootstrap().group(loop).channel(EventLoops.socketChannel(loop))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler handshake = tls.newHandler(ch.alloc(), server.getHost(), server.getPort());
                        SSLParameters parameters = handshake.engine().getSSLParameters();
                        parameters.setEndpointIdentificationAlgorithm("HTTPS");
                        handshake.engine().setSSLParameters(parameters);
                        handshake.setHandshakeTimeoutMillis(settings.connectTimeout().toMillis());
                        ch.pipeline().addLast(handshake).addLast(mqttHandlers(settings, maxPacket, counts))
                                .addLast(session);
                    }
                })
                .connect(server.getHost(), server.getPort());
    }

    /**
     * The handlers between TLS and the session: the MQTT codec (packets from the server larger than {@code maxPacket}
     * fail to decode), and with a Keep Alive a reader and writer idle timer of the Keep Alive with the PINGREQs and
     * their deadline ({@link PingDeadline}, §3.1.2.10).
     */
    static ChannelHandler[] mqttHandlers(UplinkSettings settings, int maxPacket, NettyKiosks.Counts counts) {
        MqttDecoder decoder = new MqttDecoder(maxPacket);
        if (settings.keepAlive().isZero()) {
            return new ChannelHandler[] {decoder, MqttEncoder.INSTANCE};
        }
        long keepAlive = settings.keepAlive().toNanos();
        return new ChannelHandler[] {decoder, MqttEncoder.INSTANCE,
                new IdleStateHandler(keepAlive, keepAlive, 0, TimeUnit.NANOSECONDS),
                new PingDeadline(keepAlive, counts)};
    }

    /** The kiosk's topic whose channel carries {@code message}'s type (as the agent's {@code PahoUplink#topicOf}). */
    static String topicOf(KioskMessage message) {
        return switch (message) {
            case Measurement m -> Topics.measurements(m.kiosk());
            case WaveformBatch b -> Topics.measurements(b.kiosk());
            case KioskStatus s -> Topics.status(s.kiosk());
            case CommandUpdate u -> Topics.commandUpdates(u.kiosk());
            case Presence p -> Topics.status(p.kiosk());
        };
    }

    /**
     * What the server sent on one of the kiosk's downlink topics, as the agent's {@code PahoSession} reads it: a
     * {@link StoreAck} for this kiosk on its {@code acks} or {@code commands} topic, a {@link Command} for this kiosk
     * on its {@code commands} topic; null for anything else (another kiosk's, another topic).
     *
     * @throws MalformedMessageException if the payload is not one of the protocol's downlink messages (an unknown
     *                                   command kind included); the agent logs and ignores such a message
     */
    static KioskDownlink downlink(MqttPublishMessage message, KioskId kiosk) throws MalformedMessageException {
        String topic = message.variableHeader().topicName();
        boolean commands = topic.equals(Topics.commands(kiosk));
        if (!commands && !topic.equals(Topics.acks(kiosk))) {
            return null;
        }
        byte[] payload = new byte[message.payload().readableBytes()];
        message.payload().getBytes(message.payload().readerIndex(), payload);
        return switch (CBOR.decode(payload, KioskDownlink.class)) {
            case StoreAck ack when ack.kiosk().equals(kiosk) -> ack;
            case Command command when commands && command.kiosk().equals(kiosk) -> command;
            case StoreAck ack -> null;
            case Command command -> null;
        };
    }

    /** A QoS 1 publish, not retained, no properties. */
    static MqttMessage publish(String topic, byte[] payload, int packetId) {
        return MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.AT_LEAST_ONCE).retained(false)
                .messageId(packetId).payload(Unpooled.wrappedBuffer(payload)).build();
    }

    /** PUBACK 0x00 for a QoS 1 message the server sent (two bytes: the reason code 0x00 may be left out, §3.4.2.1). */
    static MqttMessage pubAck(int packetId) {
        return new MqttPubAckMessage(new MqttFixedHeader(MqttMessageType.PUBACK, false, MqttQoS.AT_MOST_ONCE, false,
                2), MqttMessageIdVariableHeader.from(packetId));
    }

    static MqttMessage pingReq() {
        return PINGREQ;
    }

    static MqttMessage disconnectWithWill() {
        return MqttMessageBuilders.disconnect().reasonCode(DISCONNECT_WITH_WILL).build();
    }

    /** The server's Receive Maximum from its CONNACK (§3.2.2.3.3). */
    static int receiveMaximum(MqttConnAckMessage connack) {
        MqttProperties.MqttProperty<?> max = connack.variableHeader().properties()
                .getProperty(MqttProperties.MqttPropertyType.RECEIVE_MAXIMUM.value());
        return max != null && max.value() instanceof Integer m ? m : DEFAULT_RECEIVE_MAXIMUM;
    }

    /** Whether the CONNACK granted the PUBACK as the store acknowledgement (§3.2.2.3.10, {@link AckNegotiation}). */
    static boolean grantsPubackAck(MqttConnAckMessage connack) {
        for (MqttProperties.MqttProperty<?> p : connack.variableHeader().properties()
                .getProperties(MqttProperties.MqttPropertyType.USER_PROPERTY.value())) {
            if (p.value() instanceof MqttProperties.StringPair pair && AckNegotiation.isPubackAck(pair.key, pair.value)) {
                return true;
            }
        }
        return false;
    }

    /** A PUBACK's packet identifier. */
    static int packetId(MqttMessage puback) {
        return ((MqttMessageIdVariableHeader) puback.variableHeader()).messageId();
    }

    /** A PUBACK's reason code; 0x00 when the server left it out (remaining length 2, §3.4.2.1). */
    static int reasonCode(MqttMessage puback) {
        return puback.variableHeader() instanceof MqttPubReplyMessageVariableHeader h ? h.reasonCode() & 0xFF : 0;
    }

    /**
     * Completes a publish from its PUBACK's reason code as the agent's {@code PubackListener} does: below 0x80
     * {@link Puback#STORED} on a connection whose CONNACK granted it, {@link Puback#TAKEN} otherwise; 0x97
     * {@link Reason#THROTTLED}; any other code of 0x80 or more {@link Reason#REFUSED}, with its reason string.
     */
    static void answer(CompletableFuture<Puback> puback, int code, boolean granted, MqttMessage msg) {
        if (code == QUOTA_EXCEEDED) {
            puback.completeExceptionally(new UplinkException(Reason.THROTTLED,
                    "broker answered PUBACK 0x97 (quota exceeded)", null));
        } else if (code >= FIRST_ERROR_REASON_CODE) {
            puback.completeExceptionally(new UplinkException(Reason.REFUSED, String.format(java.util.Locale.ROOT,
                    "broker answered PUBACK with reason code 0x%02X%s", code, reasonString(msg)), null));
        } else {
            puback.complete(granted ? Puback.STORED : Puback.TAKEN);
        }
    }

    /** A PUBACK's reason string (§3.4.2.2.2), or "". */
    static String reasonString(MqttMessage puback) {
        if (puback.variableHeader() instanceof MqttPubReplyMessageVariableHeader h) {
            MqttProperties.MqttProperty<?> s = h.properties()
                    .getProperty(MqttProperties.MqttPropertyType.REASON_STRING.value());
            if (s != null && s.value() instanceof String text) {
                return " (" + org.telekiosk.protocol.Untrusted.printable(text, 160) + ")";
            }
        }
        return "";
    }
}
