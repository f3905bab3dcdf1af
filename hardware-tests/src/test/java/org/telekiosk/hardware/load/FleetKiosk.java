package org.telekiosk.hardware.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubAckMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.telekiosk.agent.uplink.UplinkSettings;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.downlink.KioskDownlink;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.retry.ReconnectPolicy;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Presence;
import org.telekiosk.protocol.topic.Topics;

/**
 * One light kiosk of a {@link KioskFleet}: on the wire what the agent's uplink does ({@code ConnectionKeeper} with a
 * {@code PahoSession} per connection). Each attempt is a new channel: mutual TLS with the kiosk's key and certificate,
 * CONNECT with Clean Start 0, the agent's Session Expiry Interval and Keep Alive and a Will saying {@code offline}
 * (MQTT 5 §3.1.2.5), {@code online} published right after the CONNACK, SUBSCRIBE to its downlink; the attempt fails
 * if it is not subscribed within the agent's {@code mqtt.connect-timeout} (the TLS handshake included, as the agent's
 * socket timeout allows). A failed attempt or a lost connection is tried again after the agent's backoff ({@link
 * ReconnectPolicy}, full jitter), so a fleet that cannot all get in at once converges as real kiosks would. Once
 * connected: PINGREQ when nothing was written for the Keep Alive (§3.1.2.10), a PUBACK for every QoS 1 message it
 * receives, and QoS 1 spot readings numbered on, at most the in-flight window unacknowledged (a reading that finds
 * the window full is counted and not numbered, as an agent's outbox would keep it). Where and why each attempt ended
 * goes to the fleet's {@link FleetCounters#failed}.
 */
final class FleetKiosk {
    private static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
    private static final SensorId THERMOMETER = SensorId.of("mlx90614");

    /** How far an attempt got. */
    private enum Stage { TCP, TLS, CONNACK, SUBACK, UP }

    private final UplinkSettings settings;
    private final SslContext tls;
    private final EventLoopGroup group;
    private final int keepAliveSeconds;
    private final Duration publishEvery;
    private final FleetCounters counters;
    private final ReconnectPolicy reconnect;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> firstAttempt = new CompletableFuture<>();
    private final AtomicLong nextSeq;
    private final AtomicInteger failures = new AtomicInteger();
    private volatile Connection current;
    private volatile boolean closed;
    private volatile boolean publishingStopped;

    FleetKiosk(UplinkSettings settings, SslContext tls, long nextSeq, EventLoopGroup group, Duration keepAlive,
            Duration publishEvery, FleetCounters counters, ReconnectPolicy reconnect) {
        this.settings = settings;
        this.tls = tls;
        this.nextSeq = new AtomicLong(nextSeq);
        this.group = group;
        this.keepAliveSeconds = (int) (keepAlive != null ? keepAlive : settings.keepAlive()).toSeconds();
        this.publishEvery = publishEvery;
        this.counters = counters;
        this.reconnect = reconnect;
    }

    KioskId id() {
        return settings.kiosk();
    }

    /** Starts connecting; completes when the first attempt succeeded or failed (later ones follow by themselves). */
    CompletableFuture<Void> connect() {
        attempt();
        return firstAttempt;
    }

    /** Completes at the first SUBACK. */
    CompletableFuture<Void> ready() {
        return ready;
    }

    boolean connected() {
        Connection c = current;
        return c != null && c.stage == Stage.UP && c.channel != null && c.channel.isActive();
    }

    /** Stops the readings (keep-alive goes on), also after a reconnect. */
    void stopPublishing() {
        publishingStopped = true;
        Connection c = current;
        if (c != null && c.publishing != null) {
            c.publishing.cancel(false);
        }
    }

    /**
     * Ends the connection abruptly, as a lost link or a node going away would (no DISCONNECT: the server publishes the
     * Will); the kiosk connects again after the agent's backoff.
     */
    void drop() {
        Connection c = current;
        if (c != null && c.channel != null) {
            c.dropped = true;
            c.channel.close();
        }
    }

    void close() {
        closed = true;
        Connection c = current;
        if (c != null && c.channel != null) {
            c.channel.close();
        }
    }

    private void attempt() {
        if (closed) {
            return;
        }
        Connection connection = new Connection();
        current = connection;
        URI server = settings.serverUri();
        new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler handshake = tls.newHandler(ch.alloc(), server.getHost(), server.getPort());
                        // the agent's socket allows the whole connect timeout, not Netty's default of 10 s
                        handshake.setHandshakeTimeoutMillis(settings.connectTimeout().toMillis());
                        handshake.handshakeFuture().addListener(f -> connection.handshaken(f.isSuccess(), f.cause()));
                        ch.pipeline().addLast(handshake, new MqttDecoder(64 * 1024), MqttEncoder.INSTANCE,
                                new IdleStateHandler(0, keepAliveSeconds, 0, TimeUnit.SECONDS), connection);
                    }
                })
                .connect(server.getHost(), server.getPort()).addListener(f -> {
                    if (!f.isSuccess()) {
                        connection.end(describe(f.cause()));
                    }
                });
    }

    private static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + root.getMessage();
        return root.getClass().getSimpleName() + (message.length() > 90 ? message.substring(0, 90) : message);
    }

    /** One attempt's channel and the protocol state on it; runs on its channel's event loop. */
    private final class Connection extends SimpleChannelInboundHandler<MqttMessage> {
        private volatile Stage stage = Stage.TCP;
        private volatile Channel channel;
        private volatile ScheduledFuture<?> publishing;
        private volatile boolean dropped;
        private ScheduledFuture<?> timeout;
        private boolean ended;
        private int nextPacketId = 1;
        private int inFlight;
        private int window = settings.inflightWindow();

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            channel = ctx.channel();
            stage = Stage.TLS;
            timeout = ctx.executor().schedule(() -> {
                end("no SUBACK within the connect timeout of " + settings.connectTimeout().toSeconds() + " s");
                ctx.close();
            }, settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
            MqttProperties props = new MqttProperties();
            props.add(new MqttProperties.IntegerProperty(
                    MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(),
                    (int) settings.sessionExpiry().toSeconds()));
            // the agent's Will: the MQTT broker says "offline" for it when the connection ends without DISCONNECT 0x00;
            // written now, sent by the TLS handler once the handshake is done
            ctx.writeAndFlush(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5)
                    .clientId(id().value()).cleanSession(false).keepAlive(keepAliveSeconds).properties(props)
                    .willFlag(true).willQoS(MqttQoS.AT_LEAST_ONCE).willRetain(false).willTopic(Topics.status(id()))
                    .willMessage(CBOR.encode(new Presence(id(), Presence.State.OFFLINE, 1)))
                    .willProperties(MqttProperties.NO_PROPERTIES).build());
            super.channelActive(ctx);
        }

        void handshaken(boolean ok, Throwable cause) {
            if (ok) {
                stage = Stage.CONNACK;
            } else {
                end(describe(cause));
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
            if (msg.decoderResult().isFailure()) {
                end("undecodable packet: " + describe(msg.decoderResult().cause()));
                ctx.close();
                return;
            }
            switch (msg.fixedHeader().messageType()) {
                case CONNACK -> {
                    MqttConnAckMessage connack = (MqttConnAckMessage) msg;
                    MqttConnectReturnCode code = connack.variableHeader().connectReturnCode();
                    if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                        end(String.format(Locale.ROOT, "CONNACK 0x%02X", code.byteValue()));
                        ctx.close();
                        return;
                    }
                    stage = Stage.SUBACK;
                    MqttProperties.MqttProperty<?> max = connack.variableHeader().properties()
                            .getProperty(MqttProperties.MqttPropertyType.RECEIVE_MAXIMUM.value());
                    if (max != null && max.value() instanceof Integer m) {
                        window = Math.min(window, m);
                    }
                    publish(ctx, Topics.status(id()), CBOR.encode(new Presence(id(), Presence.State.ONLINE, 1)));
                    counters.announced.increment();
                    ctx.writeAndFlush(MqttMessageBuilders.subscribe().messageId(packetId())
                            .addSubscription(MqttQoS.AT_LEAST_ONCE, Topics.downlink(id())).build());
                }
                case SUBACK -> up(ctx);
                case PUBACK -> {
                    inFlight--;
                    counters.pubacked.increment();
                }
                case PUBLISH -> arrived(ctx, (MqttPublishMessage) msg);
                case PINGRESP -> counters.pingResponses.increment();
                case DISCONNECT -> {
                    int reason = msg.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader h
                            ? h.reasonCode() & 0xFF : 0;
                    end(String.format(Locale.ROOT, "DISCONNECT 0x%02X from the server", reason));
                    ctx.close();
                }
                default -> { }
            }
        }

        private void up(ChannelHandlerContext ctx) {
            stage = Stage.UP;
            timeout.cancel(false);
            failures.set(0);
            firstAttempt.complete(null);
            ready.complete(null);
            if (!publishEvery.isZero() && !publishingStopped) {
                long period = publishEvery.toMillis();
                publishing = ctx.executor().scheduleAtFixedRate(() -> reading(ctx),
                        ThreadLocalRandom.current().nextLong(period), period, TimeUnit.MILLISECONDS);
            }
        }

        private void arrived(ChannelHandlerContext ctx, MqttPublishMessage message) {
            counters.received.increment();
            if (message.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
                ctx.writeAndFlush(new MqttPubAckMessage(new MqttFixedHeader(MqttMessageType.PUBACK, false,
                        MqttQoS.AT_MOST_ONCE, false, 2),
                        MqttMessageIdVariableHeader.from(message.variableHeader().packetId())));
            }
            byte[] payload = new byte[message.payload().readableBytes()];
            message.payload().getBytes(message.payload().readerIndex(), payload);
            try {
                if (CBOR.decode(payload, KioskDownlink.class) instanceof StoreAck ack && ack.kiosk().equals(id())) {
                    counters.storedThrough(id(), ack.storedThrough());
                }
            } catch (MalformedMessageException e) {
                System.err.println("a malformed downlink message for " + id() + ": " + e.getMessage());
            }
        }

        /** One spot reading, QoS 1, unless the in-flight window is full. */
        private void reading(ChannelHandlerContext ctx) {
            if (inFlight >= window) {
                counters.refusedByWindow.increment();
                return;
            }
            Measurement m = new Measurement(id(), nextSeq.getAndIncrement(), THERMOMETER, LoincCode.BODY_TEMPERATURE,
                    36.5 + ThreadLocalRandom.current().nextInt(50) * 0.02, UcumUnit.CELSIUS, Instant.now());
            publish(ctx, Topics.measurements(id()), CBOR.encode(m));
            counters.published.increment();
        }

        private void publish(ChannelHandlerContext ctx, String topic, byte[] payload) {
            inFlight++;
            ctx.writeAndFlush(MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.AT_LEAST_ONCE)
                    .retained(false).messageId(packetId()).payload(Unpooled.wrappedBuffer(payload)).build());
        }

        private int packetId() {
            int id = nextPacketId;
            nextPacketId = id == 0xFFFF ? 1 : id + 1;
            return id;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                ctx.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGREQ, false,
                        MqttQoS.AT_MOST_ONCE, false, 0)));
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            end(dropped ? "dropped by the fleet" : "connection closed");
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            end(describe(cause));
            ctx.close();
        }

        /** The first reason this attempt ended wins; counts it and schedules the next attempt as the agent would. */
        void end(String reason) {
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
            }
            if (timeout != null) {
                timeout.cancel(false);
            }
            if (publishing != null) {
                publishing.cancel(false);
            }
            if (closed) {
                return;
            }
            Stage at = stage;
            int failed;
            if (at == Stage.UP) {
                counters.lost.increment();
                counters.failed("lost when up: " + reason);
                failed = 0;
            } else {
                counters.attemptsFailed.increment();
                counters.failed("attempt ended in " + at + ": " + reason);
                failed = failures.getAndIncrement();
                firstAttempt.complete(null);
            }
            if (channel != null && channel.isActive()) {
                channel.close();
            }
            try {
                group.next().schedule(FleetKiosk.this::attempt, reconnect.delayAfter(failed).toMillis(),
                        TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException fleetClosing) {
                // the fleet's event loops are shutting down: no next attempt
            }
        }
    }
}
