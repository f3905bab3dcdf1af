package org.telekiosk.broker.server;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
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
    private final ViewerHub hub = new ViewerHub(WireCodec.json(WireCodec.DEFAULT_MAX_BYTES));
    private final KioskStatusBoard statuses = new KioskStatusBoard();
    private final LongAdder acksPublished = new LongAdder();
    private final StoreAcks storeAcks;
    private final ScheduledExecutorService ackFlusher = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("store-acks").daemon().factory());
    private MeasurementIntake intake;

    Telemetry(MeasurementStore store, BrokerMqttClient client, KioskRegistry registry, CallEvents calls) {
        this.store = store;
        this.client = client;
        calls.subscribe(hub);
        WireCodec ackCodec = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
        this.storeAcks = new StoreAcks((kiosk, from) -> store.progress(kiosk, from, StoreAck.MAX_REFUSED + 1), ack -> {
            // A revoked kiosk's retained acknowledgement was removed (EmbeddedMqttBroker.revoked): a late reading of
            // its former enrollment must not put one back for a kiosk enrolled again under its id.
            if (registry.state().kiosk(ack.kiosk()).filter(k -> !k.revoked()).isPresent()) {
                client.publishRetained(Topics.acks(ack.kiosk()), ackCodec.encode(ack));
                acksPublished.increment();
            }
        });
    }

    /** The broker's MQTT client to the embedded MQTT broker on {@code mqttPort}, as this node's service identity. */
    static BrokerMqttClient client(BrokerConfig config, int mqttPort, BrokerPki pki, Path data, SecureRandom random)
            throws IOException, java.security.GeneralSecurityException {
        return new BrokerMqttClient("ssl://" + localAddress(config.mqttBindAddress()) + ":" + mqttPort,
                ClientIdFile.in(data, random),
                TrustStores.trustingWithIdentity(pki.caCertificate(), pki.serviceIdentity()).getSocketFactory());
    }

    /** Where a local client reaches a listener bound to {@code bind}. */
    static String localAddress(String bind) {
        return bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
    }

    /**
     * Builds the intake, subscribes and starts the client and the acknowledgements' flusher.
     *
     * @param commands          takes every command update; the stage completes when it is kept
     * @param publishesIntoBroker the embedded MQTT broker's count of incoming publishes, for the stall watch
     */
    void start(BrokerConfig config, Function<CommandUpdate, CompletionStage<Void>> commands,
            LongSupplier publishesIntoBroker, AuditLog audit, Clock clock) {
        intake = MeasurementIntake.withSink(WireCodec.cbor(config.mqttMaxPayloadBytes()),
                new StoringForwarder(store, hub::publish, statuses, storeAcks, commands, audit::record, clock));
        client.subscribe(new MeasurementSubscription(intake));
        ackFlusher.scheduleWithFixedDelay(this::flushAcks, STORE_ACK_INTERVAL.toMillis(),
                STORE_ACK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        client.watchForStalls(publishesIntoBroker, STALL_CHECK);
        client.start();
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

    /** Store acknowledgements published since start. */
    long acksPublished() {
        return acksPublished.sum();
    }

    @Override
    public void close() {
        ackFlusher.shutdownNow();
    }
}
