package org.telekiosk.hardware.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
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
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.config.AgentConfigLoader;
import org.telekiosk.agent.enrollment.AgentFiles;
import org.telekiosk.agent.enrollment.Enroller;
import org.telekiosk.agent.uplink.UplinkSettings;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.protocol.LoincCode;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.SensorId;
import org.telekiosk.protocol.UcumUnit;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.downlink.KioskDownlink;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.Presence;
import org.telekiosk.protocol.topic.Topics;

/**
 * Many kiosks on few threads, for issue 16's "10,000 kiosks connected": each kiosk is one Netty channel on a shared
 * event-loop group (two threads for all) with Netty's MQTT 5 codec ({@code netty-codec-mqtt}) instead of a Paho client
 * with three threads of its own. Per kiosk it does on the wire what the agent does ({@code PahoSession}): mutual TLS
 * with the kiosk's enrolled key and certificate (BoringSSL when it loads), CONNECT with Clean Start 0, the agent's
 * Session Expiry Interval and Keep Alive and a Will saying {@code offline} on its status topic (MQTT 5 §3.1.2.5),
 * {@code online} published right after the CONNACK, SUBSCRIBE to its downlink (store acknowledgements and commands),
 * PINGREQ when nothing was written for the Keep Alive (§3.1.2.10), a PUBACK for every QoS 1 message it receives, and
 * QoS 1 spot readings numbered from the enrollment's {@code sequence.next}, at most {@code inflightWindow} unacknowledged
 * (a reading that finds the window full is counted and not numbered, as an agent's outbox would keep it).
 *
 * <p>Enrollment is the agent's own {@link Enroller} (key pair, CSR, the broker's enrollment API), eight at a time.
 * Not a product class: a load tool; counters are for the benchmark's bookkeeping.
 */
final class KioskFleet implements AutoCloseable {
    private static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
    private static final SensorId THERMOMETER = SensorId.of("mlx90614");
    private static final int HANDSHAKES_IN_FLIGHT = 64;

    /**
     * One kiosk of the plan: its id and either a one-time enrollment token (enrolled with the agent's
     * {@link Enroller}) or, when {@code token} is null, the directory where its key, certificate chain and CA were
     * issued already ({@code kiosk.key}, {@code kiosk.crt}, {@code ca.pem}, as enrollment writes them) and the MQTT
     * URI to connect to.
     */
    record Planned(KioskId id, String token, Path issued, URI mqtt) {
        Planned(KioskId id, String token) {
            this(id, token, null, null);
        }
    }

    private final URI https;
    private final Path dir;
    private final Duration publishEvery;
    private final Duration keepAliveOverride;
    private final EventLoopGroup group = new NioEventLoopGroup(2);
    private final List<Kiosk> kiosks = new ArrayList<>();
    final LongAdder published = new LongAdder();
    final LongAdder pubacked = new LongAdder();
    final LongAdder refusedByWindow = new LongAdder();
    final LongAdder pingResponses = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder lost = new LongAdder();
    /** The {@code online} presences published after each CONNACK (their PUBACKs are in {@link #pubacked} too). */
    final LongAdder announced = new LongAdder();
    private final ConcurrentHashMap<KioskId, Long> storedThrough = new ConcurrentHashMap<>();

    /**
     * @param https             the broker's HTTPS address (enrollment)
     * @param dir               where each kiosk's enrolled files go ({@code <dir>/<kiosk>})
     * @param publishEvery      one spot reading per kiosk this often, phases spread; zero for none
     * @param keepAliveOverride the Keep Alive to send instead of the agent's configured one; null for the agent's
     */
    KioskFleet(URI https, Path dir, Duration publishEvery, Duration keepAliveOverride) {
        this.https = https;
        this.dir = dir;
        this.publishEvery = publishEvery;
        this.keepAliveOverride = keepAliveOverride;
    }

    int size() {
        return kiosks.size();
    }

    /** The sum of the kiosks' {@code storedThrough}: fresh kiosks number from 1, so it counts the stored readings. */
    long storeAcknowledged() {
        return storedThrough.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Every PUBACK in, every reading store-acknowledged. */
    boolean settled() {
        return pubacked.sum() == published.sum() + announced.sum() && storeAcknowledged() >= published.sum();
    }

    long connected() {
        return kiosks.stream().filter(k -> k.channel != null && k.channel.isActive()).count();
    }

    /** Enrolls {@code planned} (eight at a time) and connects them ({@value #HANDSHAKES_IN_FLIGHT} at a time). */
    int enrollAndConnect(List<Planned> planned) throws Exception {
        Semaphore parallel = new Semaphore(8);
        List<CompletableFuture<Kiosk>> enrolled = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Planned p : planned) {
                enrolled.add(CompletableFuture.supplyAsync(() -> {
                    parallel.acquireUninterruptibly();
                    try {
                        return enroll(p);
                    } catch (Exception e) {
                        throw new IllegalStateException("enrolling " + p.id() + ": " + e.getMessage(), e);
                    } finally {
                        parallel.release();
                    }
                }, pool));
            }
        }
        Semaphore handshakes = new Semaphore(HANDSHAKES_IN_FLIGHT);
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        int failures = 0;
        for (CompletableFuture<Kiosk> f : enrolled) {
            Kiosk kiosk;
            try {
                kiosk = f.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (++failures <= 5) {
                    System.out.println("FAILED " + e.getCause());
                }
                continue;
            }
            kiosks.add(kiosk);
            handshakes.acquire();
            CompletableFuture<Void> r = kiosk.connect();
            r.whenComplete((ok, e) -> handshakes.release());
            ready.add(r);
        }
        for (CompletableFuture<Void> r : ready) {
            try {
                r.get(2, TimeUnit.MINUTES);
            } catch (Exception e) {
                failures++;
                if (failures <= 5) {
                    System.out.println("FAILED " + e);
                }
            }
        }
        return failures;
    }

    private Kiosk enroll(Planned planned) throws Exception {
        if (planned.token() == null) {
            // issued already: the agent's defaults (agent-defaults.properties) for what enrollment leaves to them
            UplinkSettings s = new UplinkSettings(planned.mqtt(), planned.id(), null,
                    planned.issued().resolve(AgentFiles.CA), Duration.ofDays(1), 32, Duration.ofSeconds(60),
                    Duration.ofSeconds(30), new org.telekiosk.agent.uplink.ClientIdentity(
                            planned.issued().resolve(AgentFiles.CERT), planned.issued().resolve(AgentFiles.KEY)));
            return new Kiosk(s, clientTls(s), 1);
        }
        Path kioskDir = Files.createDirectories(dir.resolve(planned.id().value()));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = new Enroller(Clock.systemUTC(), new SecureRandom(), new PrintStream(printed, true,
                StandardCharsets.UTF_8)).enroll(https, planned.token(), kioskDir);
        if (exit != Enroller.OK) {
            throw new IllegalStateException("enrollment failed: " + printed.toString(StandardCharsets.UTF_8));
        }
        Path configFile = kioskDir.resolve(AgentFiles.CONFIG);
        Properties raw = new Properties();
        try (var in = Files.newBufferedReader(configFile)) {
            raw.load(in);
        }
        AgentConfig config = AgentConfigLoader.load(configFile);
        UplinkSettings s = config.uplink();
        return new Kiosk(s, clientTls(s), Long.parseLong(raw.getProperty("sequence.next", "1")));
    }

    /** The kiosk's own TLS client: its key and certificate, the broker's CA; BoringSSL when it loads. */
    private static SslContext clientTls(UplinkSettings s) throws java.io.IOException {
        return SslContextBuilder.forClient()
                .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                .keyManager(s.identity().certificateFile().toFile(), s.identity().keyFile().toFile())
                .trustManager(s.caFile().toFile()).build();
    }

    /** Stops the readings (keep-alive goes on). */
    void stopPublishing() {
        for (Kiosk k : kiosks) {
            ScheduledFuture<?> p = k.publishing;
            if (p != null) {
                p.cancel(false);
            }
        }
    }

    @Override
    public void close() {
        for (Kiosk k : kiosks) {
            if (k.channel != null) {
                k.channel.close();
            }
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One kiosk's connection and its state; everything after {@link #connect} runs on its channel's event loop. */
    private final class Kiosk extends SimpleChannelInboundHandler<MqttMessage> {
        private final UplinkSettings settings;
        private final SslContext tls;
        private final CompletableFuture<Void> ready = new CompletableFuture<>();
        private final int keepAliveSeconds;
        private volatile Channel channel;
        private volatile ScheduledFuture<?> publishing;
        private long nextSeq;
        private int nextPacketId = 1;
        private int inFlight;
        private int window;

        Kiosk(UplinkSettings settings, SslContext tls, long nextSeq) {
            this.settings = settings;
            this.tls = tls;
            this.nextSeq = nextSeq;
            this.window = settings.inflightWindow();
            this.keepAliveSeconds = (int) (keepAliveOverride != null ? keepAliveOverride : settings.keepAlive())
                    .toSeconds();
        }

        KioskId id() {
            return settings.kiosk();
        }

        CompletableFuture<Void> connect() {
            URI server = settings.serverUri();
            Kiosk handler = this;
            new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), server.getHost(), server.getPort()),
                                    new MqttDecoder(64 * 1024), MqttEncoder.INSTANCE,
                                    new IdleStateHandler(0, keepAliveSeconds, 0, TimeUnit.SECONDS), handler);
                        }
                    })
                    .connect(server.getHost(), server.getPort()).addListener(f -> {
                        if (!f.isSuccess()) {
                            ready.completeExceptionally(f.cause());
                        }
                    });
            return ready;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            channel = ctx.channel();
            MqttProperties props = new MqttProperties();
            props.add(new MqttProperties.IntegerProperty(
                    MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(),
                    (int) settings.sessionExpiry().toSeconds()));
            // the agent's Will: the MQTT broker says "offline" for it when the connection ends without DISCONNECT 0x00
            ctx.writeAndFlush(MqttMessageBuilders.connect().protocolVersion(MqttVersion.MQTT_5)
                    .clientId(id().value()).cleanSession(false).keepAlive(keepAliveSeconds).properties(props)
                    .willFlag(true).willQoS(MqttQoS.AT_LEAST_ONCE).willRetain(false).willTopic(Topics.status(id()))
                    .willMessage(CBOR.encode(new Presence(id(), Presence.State.OFFLINE, 1)))
                    .willProperties(MqttProperties.NO_PROPERTIES).build());
            super.channelActive(ctx);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
            if (msg.decoderResult().isFailure()) {
                ready.completeExceptionally(msg.decoderResult().cause());
                ctx.close();
                return;
            }
            switch (msg.fixedHeader().messageType()) {
                case CONNACK -> {
                    MqttConnAckMessage connack = (MqttConnAckMessage) msg;
                    if (connack.variableHeader().connectReturnCode() != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                        ready.completeExceptionally(new IllegalStateException("CONNACK "
                                + connack.variableHeader().connectReturnCode()));
                        ctx.close();
                        return;
                    }
                    MqttProperties.MqttProperty<?> max = connack.variableHeader().properties()
                            .getProperty(MqttProperties.MqttPropertyType.RECEIVE_MAXIMUM.value());
                    if (max != null && max.value() instanceof Integer m) {
                        window = Math.min(window, m);
                    }
                    publish(ctx, Topics.status(id()), CBOR.encode(new Presence(id(), Presence.State.ONLINE, 1)));
                    announced.increment();
                    ctx.writeAndFlush(MqttMessageBuilders.subscribe().messageId(packetId())
                            .addSubscription(MqttQoS.AT_LEAST_ONCE, Topics.downlink(id())).build());
                }
                case SUBACK -> {
                    ready.complete(null);
                    if (!publishEvery.isZero()) {
                        long period = publishEvery.toMillis();
                        publishing = ctx.executor().scheduleAtFixedRate(() -> reading(ctx),
                                ThreadLocalRandom.current().nextLong(period), period, TimeUnit.MILLISECONDS);
                    }
                }
                case PUBACK -> {
                    inFlight--;
                    pubacked.increment();
                }
                case PUBLISH -> arrived(ctx, (MqttPublishMessage) msg);
                case PINGRESP -> pingResponses.increment();
                case DISCONNECT -> ctx.close();
                default -> { }
            }
        }

        private void arrived(ChannelHandlerContext ctx, MqttPublishMessage message) {
            received.increment();
            if (message.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
                ctx.writeAndFlush(new MqttPubAckMessage(new MqttFixedHeader(MqttMessageType.PUBACK, false,
                        MqttQoS.AT_MOST_ONCE, false, 2),
                        MqttMessageIdVariableHeader.from(message.variableHeader().packetId())));
            }
            byte[] payload = new byte[message.payload().readableBytes()];
            message.payload().getBytes(message.payload().readerIndex(), payload);
            try {
                if (CBOR.decode(payload, KioskDownlink.class) instanceof StoreAck ack && ack.kiosk().equals(id())) {
                    storedThrough.merge(id(), ack.storedThrough(), Math::max);
                }
            } catch (MalformedMessageException e) {
                System.err.println("a malformed downlink message for " + id() + ": " + e.getMessage());
            }
        }

        /** One spot reading, QoS 1, unless the in-flight window is full. */
        private void reading(ChannelHandlerContext ctx) {
            if (inFlight >= window) {
                refusedByWindow.increment();
                return;
            }
            Measurement m = new Measurement(id(), nextSeq++, THERMOMETER, LoincCode.BODY_TEMPERATURE,
                    36.5 + ThreadLocalRandom.current().nextInt(50) * 0.02, UcumUnit.CELSIUS, Instant.now());
            publish(ctx, Topics.measurements(id()), CBOR.encode(m));
            published.increment();
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
            if (!ready.isDone()) {
                ready.completeExceptionally(new IllegalStateException("closed before SUBACK"));
            } else {
                lost.increment();
            }
            ScheduledFuture<?> p = publishing;
            if (p != null) {
                p.cancel(false);
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ready.completeExceptionally(cause);
            ctx.close();
        }

    }
}
