package org.telekiosk.broker.server;

import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.audit.AuditLog;
import org.telekiosk.broker.config.BrokerConfig;
import org.telekiosk.broker.consultation.CallEvents;
import org.telekiosk.broker.kiosk.KioskRecord;
import org.telekiosk.broker.kiosk.KioskRegistry;
import org.telekiosk.broker.kiosk.PerKioskState;
import org.telekiosk.broker.mqtt.BrokerMqttClient;
import org.telekiosk.broker.mqtt.ClientIdFile;
import org.telekiosk.broker.mqtt.InProcessIntake;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.pki.TrustStores;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.broker.telemetry.KioskStatusBoard;
import org.telekiosk.broker.telemetry.MeasurementIntake;
import org.telekiosk.broker.telemetry.MeasurementSubscription;
import org.telekiosk.broker.telemetry.RevokedKioskFilter;
import org.telekiosk.broker.telemetry.StoreAcks;
import org.telekiosk.broker.telemetry.StoringForwarder;
import org.telekiosk.broker.telemetry.VitalsRelay;
import org.telekiosk.broker.http.BufferFrames;
import org.telekiosk.broker.viewer.FanOut;
import org.telekiosk.broker.viewer.ViewerHub;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.telemetry.CommandUpdate;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.KioskStatus;
import org.telekiosk.protocol.telemetry.Presence;
import org.telekiosk.protocol.viewer.ViewerEvent;
import org.telekiosk.protocol.topic.Topics;

/**
 * The telemetry module: the viewer hub (told of every call's admissions and departures), the kiosks' latest statuses,
 * the store acknowledgements (flushed on {@code store-acks}, published through the broker's MQTT client), and, once
 * {@link #start started}, the measurement intake and its storing forwarder behind the client's subscription.
 */
final class Telemetry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);

    private final MeasurementStore store;
    private final BrokerMqttClient client;
    private final List<BrokerMqttClient> intakeClients;
    /** Releases the readings that waited for a kiosk's gap ({@link ViewerHub#ORDER_WAIT}); never blocks. */
    private final ScheduledExecutorService orderTimer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("vitals-order").daemon().factory());
    /**
     * Where the hub orders, encodes and routes what the store committed: off the store's writer, which only queues
     * there ({@link FanOut}).
     */
    private final FanOut fanOut = new FanOut(FanOut.defaultLanes(), FanOut.DEFAULT_QUEUE);
    private final ViewerHub hub = new ViewerHub(new BufferFrames(WireCodec.json(WireCodec.DEFAULT_MAX_BYTES),
            ByteBufAllocator.DEFAULT), fanOut, System::nanoTime,
            (delay, task) -> {
                try {
                    orderTimer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.RejectedExecutionException stopping) {
                    // The node is stopping: its viewers' sockets are closing with it.
                }
            });
    private final KioskStatusBoard statuses = new KioskStatusBoard();
    private final KioskRegistry registry;
    private final LongAdder acksPublished = new LongAdder();
    private final StoreAcks storeAcks;
    private final ScheduledExecutorService ackFlusher = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("store-acks").daemon().factory());
    private MeasurementIntake intake;
    private volatile RevokedKioskFilter revokedKiosks;
    /** With {@code mqtt.intake=in-process}: the embedded HiveMQ's interceptor that takes the kiosks' publishes. */
    private java.util.Optional<InProcessIntake> inProcess = java.util.Optional.empty();
    /** With an external MQTT broker: the connection that relays to and from the other nodes; otherwise empty. */
    private final java.util.Optional<BrokerMqttClient> relayClient;
    private final java.util.Optional<VitalsRelay> relay;

    /**
     * @param clients     the intake connections ({@link #clients}); the first also publishes the downlink
     * @param relayClient with an external MQTT broker, the connection to relay to and from the other nodes
     *                    ({@link #relayClient}); it is this module's to close
     */
    Telemetry(MeasurementStore store, List<BrokerMqttClient> clients, java.util.Optional<BrokerMqttClient> relayClient,
            KioskRegistry registry, CallEvents calls, int maxPayloadBytes) {
        this.store = store;
        this.relayClient = relayClient;
        this.relay = relayClient.map(c -> new VitalsRelay(Math.max(maxPayloadBytes, WireCodec.DEFAULT_MAX_BYTES),
                c::publish, hub::publish, statuses, hub::command));
        this.intakeClients = List.copyOf(clients);
        this.client = intakeClients.getFirst();
        this.registry = registry;
        calls.subscribe(hub);
        WireCodec ackCodec = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
        this.storeAcks = new StoreAcks((kiosk, from) -> store.progress(kiosk, from, StoreAck.MAX_REFUSED + 1), ack -> {
            // A revoked kiosk's retained acknowledgement was removed (EmbeddedMqttBroker.revoked): a late reading of
            // its former enrollment must not put one back for a kiosk enrolled again under its id.
            if (registry.kiosk(ack.kiosk()).filter(k -> !k.revoked()).isEmpty()) {
                return true;
            }
            if (!client.publishRetained(Topics.acks(ack.kiosk()), ackCodec.encode(ack))) {
                return false;
            }
            acksPublished.increment();
            return true;
        });
    }

    /**
     * The broker's {@code mqtt.intake-connections} MQTT clients to the embedded MQTT broker on {@code mqttPort}, as this
     * node's service identity: the first under the node's stable client id ({@link ClientIdFile}), the others under
     * that id with {@code -2}, {@code -3}, ... (stable too, so that their sessions resume after a restart).
     */
    static List<BrokerMqttClient> clients(BrokerConfig config, int mqttPort, BrokerPki pki, Path data,
            SecureRandom random) throws IOException, java.security.GeneralSecurityException {
        String id = ClientIdFile.in(data, random);
        var tls = TrustStores.trustingWithIdentity(pki.caCertificate(), pki.serviceIdentity()).getSocketFactory();
        String uri = uri(config, mqttPort);
        List<BrokerMqttClient> clients = new java.util.ArrayList<>();
        // Each has its own receive maximum, Paho receive and callback thread and acknowledgement line; HiveMQ hands
        // the shared group's messages out across them regardless of the kiosk, so the viewer hub puts each kiosk's
        // readings back into order (ViewerHub, VitalsOrder) and the store identifies them by (kiosk, seq).
        for (int i = 1; i <= config.mqttIntakeConnections(); i++) {
            // With an external MQTT broker the intake's sessions end with their connections: an MQTT broker keeps
            // handing a shared subscription's messages to a member whose session outlives it (Mosquitto, EMQX), so a
            // dead node's share would wait in its session instead of going to the live nodes. What a node held
            // unacknowledged when it died, the kiosks send again (their outboxes keep every reading until the store
            // acknowledgement covers it). docs/scale-out.md.
            clients.add(new BrokerMqttClient(uri, i == 1 ? id : id + "-" + i, tls,
                    !config.externalMqtt().enabled()));
        }
        return clients;
    }

    /**
     * With an external MQTT broker ({@code mqtt.external-host}), the node's connection for what the nodes relay to
     * each other ({@link VitalsRelay}): client id {@code <id>-relay}, a session that ends with the connection (a live
     * view needs no backlog); otherwise empty, since each node's embedded MQTT broker serves its own kiosks only.
     */
    static java.util.Optional<BrokerMqttClient> relayClient(BrokerConfig config, BrokerPki pki, Path data,
            SecureRandom random) throws IOException, java.security.GeneralSecurityException {
        if (!config.externalMqtt().enabled()) {
            return java.util.Optional.empty();
        }
        var tls = TrustStores.trustingWithIdentity(pki.caCertificate(), pki.serviceIdentity()).getSocketFactory();
        return java.util.Optional.of(new BrokerMqttClient(config.externalMqtt().uri(),
                ClientIdFile.in(data, random) + "-relay", tls, false));
    }

    /** The MQTT broker's URI: the external one if configured, otherwise the embedded listener on {@code mqttPort}. */
    static String uri(BrokerConfig config, int mqttPort) {
        return config.externalMqtt().enabled() ? config.externalMqtt().uri()
                : "ssl://" + localAddress(config.mqttBindAddress()) + ":" + mqttPort;
    }

    /** Where a local client reaches a listener bound to {@code bind}. */
    static String localAddress(String bind) {
        return bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
    }

    /**
     * Builds the intake, subscribes and starts the client and the acknowledgements' flusher.
     *
     * @param commands          takes every command update; the stage completes when it is kept
     * @param routedPublishes   the embedded MQTT broker's count of kiosk publishes routed to the shared subscription,
     *                          for the stall watch ({@code EmbeddedMqttBroker#kioskPublishesRouted}); empty with an
     *                          external MQTT broker (the watch is for HiveMQ CE's stall, and the count is not known)
     * @param inProcess         with {@code mqtt.intake=in-process}, the embedded HiveMQ's interceptor, which then
     *                          takes the kiosks' publishes (the subscription still takes their Wills)
     */
    void start(BrokerConfig config, Function<CommandUpdate, CompletionStage<Void>> commands,
            java.util.Optional<LongSupplier> routedPublishes, AuditLog audit, Clock clock,
            Function<Presence, CompletionStage<Void>> presence, java.util.Optional<InProcessIntake> inProcess) {
        // With an external MQTT broker no node sees the kiosks connect: a status is what says a kiosk is there.
        boolean external = config.externalMqtt().enabled();
        java.util.function.Consumer<KioskStatus> taken = external ? status -> {
            statuses.accept(status);
            registry.seen(status.kiosk(), clock.instant());
        } : statuses;
        // A revoked kiosk that the MQTT broker still lets in (an external one checks an older CRL) is dropped here.
        revokedKiosks = new RevokedKioskFilter(new StoringForwarder(store, this::storedHere, taken, storeAcks,
                commands, audit::record, clock, presence),
                kiosk -> registry.kiosk(kiosk).filter(KioskRecord::revoked).isPresent(), inProcess.isPresent());
        intake = MeasurementIntake.withSink(WireCodec.cbor(config.mqttMaxPayloadBytes()), revokedKiosks);
        // How often each kiosk is told how far the store holds its readings, at most (StoreAcks): often enough that a
        // kiosk's outbox stays small, rarely enough that a busy kiosk costs one small message per interval.
        long ackEvery = config.storeAckInterval().toMillis();
        ackFlusher.scheduleWithFixedDelay(this::flushAcks, ackEvery, ackEvery, TimeUnit.MILLISECONDS);
        this.inProcess = inProcess;
        inProcess.ifPresent(p -> {
            storeAcks.byPuback(p.pubackAcks()::acknowledgesByPuback);
            p.pubackAcks().onEnded(storeAcks::refresh);
            p.takeWith(new MeasurementSubscription(intake));
        });
        for (BrokerMqttClient c : intakeClients) {
            c.subscribe(new MeasurementSubscription(intake));
            routedPublishes.ifPresent(routed -> c.watchForStalls(routed, intakeClients,
                    config.mqttStallCheck()));
            c.start();
        }
        relayClient.ifPresent(c -> {
            c.subscribe(relay.orElseThrow());
            c.start();
        });
    }

    /**
     * What this node stored (or, a status, took) goes to its own viewers and, through the relay, the others'. Runs on
     * the store's writer: both only queue on the kiosk's fan-out lane.
     */
    private void storedHere(KioskMessage message) {
        hub.publish(message);
        relay.ifPresent(r -> fanOut.execute(message.kiosk(), () -> r.stored(message)));
    }

    /** A command's new state, kept by this node: to its own viewers and, through the relay, the others'. */
    void commandChanged(ViewerEvent.CommandChanged changed) {
        hub.command(changed);
        relay.ifPresent(r -> r.commandChanged(changed));
    }

    /** Messages of revoked kiosks dropped by the intake since start ({@link RevokedKioskFilter}). */
    long revokedKioskMessagesDropped() {
        return revokedKiosks == null ? 0 : revokedKiosks.dropped();
    }

    /** With an external MQTT broker, the relay to and from the other nodes. */
    java.util.Optional<VitalsRelay> relay() {
        return relay;
    }

    /** Whether the relay's connection holds its subscription (true without an external MQTT broker). */
    boolean relaySubscribed() {
        return relayClient.map(BrokerMqttClient::isSubscribed).orElse(true);
    }

    /**
     * What this module keeps per kiosk, for the node's sweep ({@link KioskStateSweep}): the viewer hub's latest values
     * (kept for replays at most {@code keepLatest}, as long as a consultation can be reached) and order, the statuses,
     * the store acknowledgements' progress.
     */
    List<PerKioskState> kioskState(Duration keepLatest) {
        return List.of(new ViewerHubState(hub, keepLatest), statuses, storeAcks);
    }

    /** The viewer hub as a {@link PerKioskState}: {@link ViewerHub#prune} with the keep time of the latest values. */
    private record ViewerHubState(ViewerHub hub, Duration keepLatest) implements PerKioskState {
        @Override
        public int prune(java.util.function.Predicate<org.telekiosk.protocol.KioskId> retired) {
            return hub.prune(keepLatest, retired);
        }

        @Override
        public void forget(org.telekiosk.protocol.KioskId kiosk) {
            hub.forget(kiosk);
        }

        @Override
        public int kioskCount() {
            return hub.keptKioskCount() + hub.order().map(o -> o.kioskCount()).orElse(0);
        }
    }

    private void flushAcks() {
        try {
            storeAcks.flush();
        } catch (RuntimeException e) {
            LOG.warn("Publishing store acknowledgements failed: {}", e.toString());
        }
    }

    ViewerHub hub() {
        return hub;
    }

    KioskStatusBoard statuses() {
        return statuses;
    }

    MeasurementIntake intake() {
        return intake;
    }

    /**
     * Messages acknowledged (after being taken care of) since start: to the MQTT broker by all intake connections, and
     * with {@code mqtt.intake=in-process} to the kiosks by the in-process intake.
     */
    long intakeAcknowledged() {
        return intakeClients.stream().mapToLong(BrokerMqttClient::acknowledgedCount).sum()
                + inProcess.map(InProcessIntake::acknowledgedCount).orElse(0L);
    }

    /** With {@code mqtt.intake=in-process}, the interceptor taking the kiosks' publishes. */
    java.util.Optional<InProcessIntake> inProcess() {
        return inProcess;
    }

    /** Measurements acknowledged to the MQTT broker since start, per intake connection in the order of the clients. */
    List<Long> intakeAcknowledgedEach() {
        return intakeClients.stream().map(BrokerMqttClient::acknowledgedCount).toList();
    }

    /** Whether every intake connection (and the relay's, with an external MQTT broker) holds its subscription now. */
    boolean allSubscribed() {
        return intakeClients.stream().allMatch(BrokerMqttClient::isSubscribed) && relaySubscribed();
    }

    /** Reconnects of the intake connections because of a stall of the shared subscription since start, all of them. */
    long intakeStallRestarts() {
        return intakeClients.stream().mapToLong(BrokerMqttClient::stallRestarts).sum();
    }

    /** Refused subscriptions of the intake connections and the relay's since start (SUBACK 0x80 or above). */
    long subscriptionsRefused() {
        return intakeClients.stream().mapToLong(BrokerMqttClient::subscriptionsRefused).sum()
                + relayClient.map(BrokerMqttClient::subscriptionsRefused).orElse(0L);
    }

    /** The fewest stall-watch checks any intake connection made since start. */
    long intakeStallChecks() {
        return intakeClients.stream().mapToLong(BrokerMqttClient::stallChecks).min().orElse(0);
    }

    /** Store acknowledgements published since start. */
    long acksPublished() {
        return acksPublished.sum();
    }

    /**
     * A drain's end of the intake (issue 17): every intake connection stops taking messages and waits until what it
     * took is stored and acknowledged to the MQTT broker (together at most {@code wait}), then the kiosks are told
     * how far the store holds their readings. What arrives afterwards stays unacknowledged and comes again. Whether
     * everything taken was acknowledged in time. Blocking; from the stopping thread, before the clients close.
     */
    boolean stopIntake(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        boolean all = inProcess.map(p -> p.stopTaking(wait)).orElse(true);
        for (BrokerMqttClient c : intakeClients) {
            all &= c.stopTaking(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        try {
            // on the flusher's own thread, as every flush
            ackFlusher.submit(this::flushAcks).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("The store acknowledgements were not flushed at the drain: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return all;
    }

    /**
     * The intake as a part of the node's {@link Lifecycle}, added once it is {@link #start started}: it must stop
     * before what it hands messages to closes (command updates to the commands, presence and Wills to kiosk trust,
     * readings to the store), since a message taken after those closed fails, is logged as an error and comes again,
     * and each failure made the intake connection reconnect (seen at the stop after a 10,000-kiosk run, with the
     * kiosks' Wills arriving). Its close is {@link #stopIntake} (bounded by {@link Broker#DRAIN_STEP}; quick after a
     * drain), then every intake connection closes, for good: nothing reconnects while the node stops. What arrives
     * afterwards stays with the MQTT broker (the intake's sessions) and comes again after the restart.
     */
    AutoCloseable intakeStop() {
        return new IntakeStop(this);
    }

    /** {@link #intakeStop}; a named class, so that the lifecycle's log names it. */
    private record IntakeStop(Telemetry telemetry) implements AutoCloseable {
        @Override
        public void close() {
            if (!telemetry.stopIntake(Broker.DRAIN_STEP)) {
                LOG.warn("Stop: some readings taken were not stored and acknowledged in time; the MQTT broker sends"
                        + " them again (the store keeps each once)");
            }
            BrokerMqttClient.closeAll(telemetry.intakeClients); // together: see closeAll
        }
    }

    @Override
    public void close() {
        ackFlusher.shutdownNow();
        orderTimer.shutdownNow();
        fanOut.close();
        // Closed by the intake's stop before (closing twice is nothing); here for a start that failed before it.
        intakeClients.stream().skip(1).forEach(BrokerMqttClient::close);
        relayClient.ifPresent(BrokerMqttClient::close);
    }
}
