package org.telekiosk.hardware.load;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.collection.IntObjectHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.telekiosk.agent.uplink.Puback;
import org.telekiosk.agent.uplink.Uplink;
import org.telekiosk.agent.uplink.UplinkException;
import org.telekiosk.agent.uplink.UplinkException.Reason;
import org.telekiosk.agent.uplink.UplinkSettings;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.downlink.Command;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.retry.ReconnectPolicy;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Presence;
import org.telekiosk.protocol.topic.Topics;

/**
 * The load generator's cheap kiosk client ({@code -Dload.client=netty}): the agent's {@link Uplink} port over Netty's
 * MQTT 5 codec on one event loop of the generator's shared group ({@link NettyKiosks}), instead of the agent's
 * {@code PahoUplink} with four Paho threads and lock hand-offs per client (docs/benchmarks.md, "The load generator's
 * own cost"). On the wire it does what the agent's uplink does: mutual TLS with the kiosk's enrolled key and
 * certificate ({@link MqttPackets#dial}), the agent's CONNECT ({@link MqttPackets#connect}), {@code online} and the
 * downlink subscription after the CONNACK, the connection reported only once both are answered; QoS 1 publishes of the
 * protocol's CBOR, at most min(configured window, the server's Receive Maximum) unacknowledged (beyond it a publish
 * fails at once with {@link Reason#WINDOW_FULL}, as the agent's does); each PUBACK's reason code handled as the agent's
 * {@code PubackListener} does and counted; Paho's Keep Alive with its PINGRESP deadline ({@link PingDeadline}); a lost
 * connection (a bad packet from the server included) fails what is in flight with {@link Reason#LOST} and is tried
 * again after the agent's backoff. Store acknowledgements and commands on the downlink go to the listeners (the
 * generator answers commands as the agent does: {@link LoadCommands}). Not here: the wait for a retained store
 * acknowledgement (the generator holds no outbox), certificate renewal.
 *
 * <p>Connection state lives on this kiosk's event loop; {@link #publishReading} may be called from any thread (from
 * the loop itself it writes at once, which is what the generator's ticks do).
 */
final class NettyUplink implements Uplink {
    private static final WireCodec CBOR = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
    /** The readings' CBOR by hand, the codec's bytes ({@link ReadingBytes}); one writer a thread (its scratch). */
    private static final ThreadLocal<ReadingBytes> READINGS = ThreadLocal.withInitial(ReadingBytes::new);
    // Refusals are common under load: one completed future each, shared, no exception built per refusal.
    private static final CompletableFuture<Puback> WINDOW_FULL = CompletableFuture.failedFuture(
            new UplinkException(Reason.WINDOW_FULL, "the in-flight window is full", null));
    private static final CompletableFuture<Puback> DISCONNECTED = CompletableFuture.failedFuture(
            new UplinkException(Reason.DISCONNECTED, "not connected", null));

    private final UplinkSettings settings;
    private final MqttPackets.Dialer dialer;
    private final EventLoop loop;
    private final ReconnectPolicy reconnect;
    private final NettyKiosks.Counts counts;
    private final GeneratorPaths paths;
    private final List<Runnable> connectedListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<StoreAck>> storeAckListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Command>> commandListeners = new CopyOnWriteArrayList<>();
    /** The connection that accepts publishes, or null. */
    private volatile Session ready;
    private volatile boolean closed;
    // on the loop only
    private Session current;
    private int failures;
    private long lastConnection;

    /** @param dialer opens its connections on {@code loop} (TLS over TCP: {@link MqttPackets#dial}) */
    NettyUplink(UplinkSettings settings, MqttPackets.Dialer dialer, EventLoop loop, ReconnectPolicy reconnect,
            NettyKiosks.Counts counts) {
        this(settings, dialer, loop, reconnect, counts, GeneratorPaths.all());
    }

    /** @param paths whether readings are encoded by hand ({@link GeneratorPaths.Path#ENCODE}) or by the codec */
    NettyUplink(UplinkSettings settings, MqttPackets.Dialer dialer, EventLoop loop, ReconnectPolicy reconnect,
            NettyKiosks.Counts counts, GeneratorPaths paths) {
        this.paths = paths;
        this.settings = settings;
        this.dialer = dialer;
        this.loop = loop;
        this.reconnect = reconnect;
        this.counts = counts;
    }

    /** This kiosk's event loop, where its connection lives and where publishing costs no hand-off. */
    EventLoop eventLoop() {
        return loop;
    }

    @Override
    public void start() {
        loop.execute(this::connect);
    }

    @Override
    public CompletableFuture<Void> publish(KioskMessage message) {
        return publishReading(message).thenApply(what -> null);
    }

    @Override
    public CompletableFuture<Puback> publishReading(KioskMessage message) {
        Session session = ready;
        if (session == null) {
            return DISCONNECTED;
        }
        if (!session.admit()) {
            return WINDOW_FULL;
        }
        String topic = MqttPackets.topicOf(message);
        byte[] payload = encode(message);
        CompletableFuture<Puback> puback = new CompletableFuture<>();
        if (loop.inEventLoop()) {
            session.send(topic, payload, puback);
        } else {
            loop.execute(() -> session.send(topic, payload, puback));
        }
        return puback;
    }

    /** The protocol's CBOR of {@code message}: readings by hand (the codec's bytes), anything else by the codec. */
    private byte[] encode(KioskMessage message) {
        if (paths.on(GeneratorPaths.Path.ENCODE)) {
            byte[] bytes = READINGS.get().of(message);
            if (bytes != null) {
                return bytes;
            }
        }
        return CBOR.encode(message);
    }

    @Override
    public boolean isConnected() {
        return ready != null;
    }

    @Override
    public void addConnectedListener(Runnable listener) {
        connectedListeners.add(listener);
    }

    @Override
    public void addStoreAckListener(Consumer<StoreAck> listener) {
        storeAckListeners.add(listener);
    }

    /** As the agent's {@code PahoUplink#addCommandListener}; runs on the kiosk's loop. Register before start. */
    void addCommandListener(Consumer<Command> listener) {
        commandListeners.add(listener);
    }

    /** DISCONNECT 0x04 if connected (the Will says offline, as the agent's close), in-flight publishes fail LOST. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Runnable disconnect = () -> {
            if (current != null) {
                current.disconnect();
            }
        };
        if (loop.inEventLoop()) {
            disconnect.run();
            return;
        }
        try {
            loop.submit(disconnect).await(10, TimeUnit.SECONDS);
        } catch (RejectedExecutionException loopGone) {
            // the group is shutting down: its channels close with it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One connection attempt, on the loop; the agent's connect timeout covers TCP, TLS, CONNACK and SUBACK. */
    private void connect() {
        if (closed) {
            return;
        }
        // The agent's numbering (ConnectionNumbers): the clock's milliseconds, above every earlier number.
        lastConnection = Math.max(lastConnection + 1, System.currentTimeMillis());
        Session session = new Session(lastConnection);
        current = session;
        session.timeout = loop.schedule(() -> session.end("not ready within the connect timeout of "
                + settings.connectTimeout().toSeconds() + " s"), settings.connectTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        ChannelFuture dialed = dialer.dial(session);
        session.channel = dialed.channel();
        dialed.addListener(f -> {
            if (!f.isSuccess()) {
                session.end(NettyKiosks.describe(f.cause()));
            }
        });
    }

    /** One connection: its channel, window and unacknowledged publishes by packet identifier. */
    private final class Session extends SimpleChannelInboundHandler<MqttMessage> {
        private final long number;
        private final AtomicInteger inFlight = new AtomicInteger();
        private final IntObjectHashMap<CompletableFuture<Puback>> pending = new IntObjectHashMap<>();
        private volatile int window;
        private Channel channel;
        private ScheduledFuture<?> timeout;
        private int nextPacketId = 1;
        private int announcement = -1;
        private boolean granted;
        private boolean subscribed;
        private boolean announced;
        private boolean connacked;
        private boolean ended;

        Session(long number) {
            this.number = number;
        }

        /** Takes a slot of the window if one is free; any thread. */
        boolean admit() {
            for (int n = inFlight.get(); n < window; n = inFlight.get()) {
                if (inFlight.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
            return false;
        }

        /** Sends one admitted publish; on the loop. */
        void send(String topic, byte[] payload, CompletableFuture<Puback> puback) {
            if (ended) {
                puback.completeExceptionally(new UplinkException(Reason.LOST, "the connection just closed", null));
                return;
            }
            int id = packetId();
            pending.put(id, puback);
            channel.writeAndFlush(MqttPackets.publish(topic, payload, id), channel.voidPromise());
        }

        private int packetId() {
            int id;
            do {
                id = nextPacketId;
                nextPacketId = id == 0xFFFF ? 1 : id + 1;
            } while (pending.containsKey(id) || id == announcement);
            return id;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            // sent by the TLS handler once its handshake is done
            ctx.writeAndFlush(MqttPackets.connect(settings, number));
            super.channelActive(ctx);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
            if (msg.decoderResult().isFailure()) {
                end("undecodable packet: " + NettyKiosks.describe(msg.decoderResult().cause()));
                return;
            }
            switch (msg.fixedHeader().messageType()) {
                case CONNACK -> connacked(ctx, (MqttConnAckMessage) msg);
                case SUBACK -> {
                    List<Integer> codes = ((MqttSubAckMessage) msg).payload().reasonCodes();
                    if (!codes.isEmpty() && codes.getFirst() >= MqttPackets.FIRST_ERROR_REASON_CODE) {
                        counts.count(String.format(Locale.ROOT, "SUBACK 0x%02X", codes.getFirst()));
                    }
                    subscribed = true;
                    reportIfReady();
                }
                case PUBACK -> pubacked(MqttPackets.packetId(msg), MqttPackets.reasonCode(msg), msg);
                case PUBLISH -> arrived(ctx, (MqttPublishMessage) msg);
                case DISCONNECT -> end(String.format(Locale.ROOT, "DISCONNECT 0x%02X from the server",
                        msg.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader h
                                ? h.reasonCode() & 0xFF : 0));
                default -> { } // PINGRESP ends in PingDeadline; the server sends no other packet here
            }
        }

        private void connacked(ChannelHandlerContext ctx, MqttConnAckMessage connack) {
            MqttConnectReturnCode code = connack.variableHeader().connectReturnCode();
            if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                end(String.format(Locale.ROOT, "CONNACK 0x%02X", code.byteValue()));
                return;
            }
            connacked = true;
            window = Math.min(settings.inflightWindow(), MqttPackets.receiveMaximum(connack));
            granted = MqttPackets.grantsPubackAck(connack);
            counts.count("CONNACK: in-flight window " + window + (granted ? ", PUBACK = store-ack granted" : ""));
            announcement = packetId();
            ctx.write(MqttPackets.publish(Topics.status(settings.kiosk()),
                    CBOR.encode(new Presence(settings.kiosk(), Presence.State.ONLINE, number)), announcement));
            ctx.writeAndFlush(MqttMessageBuilders.subscribe().messageId(packetId())
                    .addSubscription(MqttQoS.AT_LEAST_ONCE, Topics.downlink(settings.kiosk())).build());
        }

        private void pubacked(int id, int code, MqttMessage msg) {
            counts.puback(code);
            if (id == announcement) {
                announcement = -1;
                announced = true;
                reportIfReady();
                return;
            }
            CompletableFuture<Puback> puback = pending.remove(id);
            if (puback == null) {
                return;
            }
            inFlight.decrementAndGet();
            MqttPackets.answer(puback, code, granted, msg);
        }

        /** Reported once the SUBACK and the PUBACK of {@code online} are in (as the agent's SessionReady). */
        private void reportIfReady() {
            if (!subscribed || !announced || ended || ready == this) {
                return;
            }
            timeout.cancel(false);
            failures = 0;
            ready = this;
            connectedListeners.forEach(Runnable::run);
        }

        private void arrived(ChannelHandlerContext ctx, MqttPublishMessage message) {
            if (message.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
                ctx.writeAndFlush(MqttPackets.pubAck(message.variableHeader().packetId()));
            }
            try {
                switch (MqttPackets.downlink(message, settings.kiosk())) {
                    case StoreAck ack -> storeAckListeners.forEach(l -> l.accept(ack));
                    case Command command -> {
                        counts.count("command received");
                        commandListeners.forEach(l -> l.accept(command));
                    }
                    case null -> { } // not this kiosk's
                }
            } catch (MalformedMessageException e) {
                counts.count("malformed downlink message"); // logged and ignored by the agent
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
                end("TLS: " + NettyKiosks.describe(done.cause()));
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            end("connection closed");
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            end(NettyKiosks.describe(cause));
        }

        /** The uplink closes: DISCONNECT 0x04 once connected, then the channel closes. */
        void disconnect() {
            if (connacked && channel.isActive()) {
                channel.writeAndFlush(MqttPackets.disconnectWithWill()).addListener(ChannelFutureListener.CLOSE);
            } else {
                end("closed");
            }
        }

        /** The first reason this connection ended wins: in-flight publishes fail LOST, the next attempt is planned. */
        void end(String reason) {
            if (ended) {
                return;
            }
            ended = true;
            timeout.cancel(false);
            boolean wasReady = ready == this;
            if (wasReady) {
                ready = null;
            }
            for (CompletableFuture<Puback> puback : pending.values()) {
                puback.completeExceptionally(new UplinkException(Reason.LOST, "connection lost before PUBACK: "
                        + reason, null));
            }
            pending.clear();
            if (channel != null) {
                channel.close();
            }
            if (current != this || closed) {
                return;
            }
            current = null;
            counts.count((wasReady ? "lost when up: " : "attempt failed: ") + reason);
            long delay = reconnect.delayAfter(failures).toMillis();
            failures = failures == Integer.MAX_VALUE ? failures : failures + 1;
            loop.schedule(NettyUplink.this::connect, delay, TimeUnit.MILLISECONDS);
        }
    }
}
