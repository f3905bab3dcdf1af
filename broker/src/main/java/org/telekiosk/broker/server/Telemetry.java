package org.telekiosk.broker.server;

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
import org.telekiosk.broker.kiosk.KioskRegistry;
import org.telekiosk.broker.kiosk.PerKioskState;
import org.telekiosk.broker.mqtt.BrokerMqttClient;
import org.telekiosk.broker.mqtt.ClientIdFile;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.pki.TrustStores;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.broker.telemetry.KioskStatusBoard;
import org.telekiosk.broker.telemetry.MeasurementIntake;
import org.telekiosk.broker.telemetry.MeasurementSubscription;
import org.telekiosk.broker.telemetry.StoreAcks;
import org.telekiosk.broker.telemetry.StoringForwarder;
import org.telekiosk.broker.viewer.ViewerHub;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.downlink.StoreAck;
import org.telekiosk.protocol.telemetry.CommandUpdate;
import org.telekiosk.protocol.topic.Topics;

/**
 * The telemetry module: the viewer hub (told of every call's admissions and departures), the kiosks' latest statuses,
 * the store acknowledgements (flushed on {@code store-acks}, published through the broker's MQTT client), and, once
 * {@link #start started}, the measurement intake and its storing forwarder behind the client's subscription.
 */
final class Telemetry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);
    /**
     * How often each kiosk is told how far the store holds its readings, at most ({@link StoreAcks}): often enough
     * that a kiosk's outbox stays small, rarely enough that a busy kiosk costs one small message per interval.
     */
    static final Duration STORE_ACK_INTERVAL = Duration.ofMillis(250);
    /** How often the client is checked for HiveMQ CE's stall of a shared subscription. */
    private static final Duration STALL_CHECK = Duration.ofSeconds(5);

    private final MeasurementStore store;
    private final BrokerMqttClient client;
    private final List<BrokerMqttClient> intakeClients;
    /** Releases the readings that waited for a kiosk's gap ({@link ViewerHub#ORDER_WAIT}); never blocks. */
    private final ScheduledExecutorService orderTimer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("vitals-order").daemon().factory());
    private final ViewerHub hub = new ViewerHub(WireCodec.json(WireCodec.DEFAULT_MAX_BYTES), System::nanoTime,
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

    /**
     * @param clients the intake connections ({@link #clients}); the first also publishes the downlink
     */
    Telemetry(MeasurementStore store, List<BrokerMqttClient> clients, KioskRegistry registry, CallEvents calls) {
        this.store = store;
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
        String uri = "ssl://" + localAddress(config.mqttBindAddress()) + ":" + mqttPort;
        List<BrokerMqttClient> clients = new java.util.ArrayList<>();
        // Each has its own receive maximum, Paho receive and callback thread and acknowledgement line; HiveMQ hands
        // the shared group's messages out across them regardless of the kiosk, so the viewer hub puts each kiosk's
        // readings back into order (ViewerHub, VitalsOrder) and the store identifies them by (kiosk, seq).
        for (int i = 1; i <= config.mqttIntakeConnections(); i++) {
            clients.add(new BrokerMqttClient(uri, i == 1 ? id : id + "-" + i, tls));
        }
        return clients;
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
     *                          for the stall watch ({@code EmbeddedMqttBroker#kioskPublishesRouted})
     */
    void start(BrokerConfig config, Function<CommandUpdate, CompletionStage<Void>> commands,
            LongSupplier routedPublishes, AuditLog audit, Clock clock) {
        intake = MeasurementIntake.withSink(WireCodec.cbor(config.mqttMaxPayloadBytes()),
                new StoringForwarder(store, hub::publish, statuses, storeAcks, commands, audit::record, clock));
        ackFlusher.scheduleWithFixedDelay(this::flushAcks, STORE_ACK_INTERVAL.toMillis(),
                STORE_ACK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        for (BrokerMqttClient c : intakeClients) {
            c.subscribe(new MeasurementSubscription(intake));
            c.watchForStalls(routedPublishes, intakeClients, STALL_CHECK);
            c.start();
        }
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

    /** Measurements acknowledged to the MQTT broker (after being taken care of) since start, all intake connections. */
    long intakeAcknowledged() {
        return intakeClients.stream().mapToLong(BrokerMqttClient::acknowledgedCount).sum();
    }

    /** Measurements acknowledged to the MQTT broker since start, per intake connection in the order of the clients. */
    List<Long> intakeAcknowledgedEach() {
        return intakeClients.stream().map(BrokerMqttClient::acknowledgedCount).toList();
    }

    /** Whether every intake connection holds its subscription right now. */
    boolean allSubscribed() {
        return intakeClients.stream().allMatch(BrokerMqttClient::isSubscribed);
    }

    /** Reconnects of the intake connections because of a stall of the shared subscription since start, all of them. */
    long intakeStallRestarts() {
        return intakeClients.stream().mapToLong(BrokerMqttClient::stallRestarts).sum();
    }

    /** The fewest stall-watch checks any intake connection made since start. */
    long intakeStallChecks() {
        return intakeClients.stream().mapToLong(BrokerMqttClient::stallChecks).min().orElse(0);
    }

    /** Store acknowledgements published since start. */
    long acksPublished() {
        return acksPublished.sum();
    }

    @Override
    public void close() {
        ackFlusher.shutdownNow();
        orderTimer.shutdownNow();
        // The first client is closed by its owner (the broker's parts), the others here.
        intakeClients.stream().skip(1).forEach(BrokerMqttClient::close);
    }
}
