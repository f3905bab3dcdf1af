package org.telekiosk.broker.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import org.telekiosk.broker.account.LoginService;
import org.telekiosk.broker.consultation.ConsultationState;
import org.telekiosk.broker.consultation.JoinCodes;
import org.telekiosk.broker.consultation.SqlConsultationRepository;
import org.telekiosk.broker.http.TlsHandshakeRefusals;
import org.telekiosk.broker.mqtt.MqttTlsRefusals;
import org.telekiosk.broker.mqtt.KioskMqttBroker;
import org.telekiosk.broker.signaling.SignalingService;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.broker.telemetry.KioskStatusBoard;
import org.telekiosk.broker.telemetry.MeasurementIntake;
import org.telekiosk.broker.mqtt.BrokerMqttClient;
import org.telekiosk.broker.viewer.ViewerHub;
import org.telekiosk.broker.viewer.VitalsOrder;
import org.telekiosk.protocol.MalformedMessageException;

/**
 * The broker's Prometheus metrics (Micrometer): the counters the running parts already keep, read when Prometheus
 * scrapes (nothing on the readings' path changes), and the JVM's and the process's meters. Each meter is listed with
 * its meaning in docs/operations.md. {@link #scrape()} never blocks on I/O: every source is an in-memory counter.
 */
public final class BrokerMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    /** The lag histogram's buckets: a live reading within a second, an outbox drained after an outage in hours. */
    private static final Duration[] LAG_BUCKETS = java.util.stream.Stream.of(50L, 100L, 250L, 500L, 1_000L, 2_500L,
            5_000L, 10_000L, 30_000L, 60_000L, 300_000L, 1_800_000L, 3_600_000L, 21_600_000L)
            .map(Duration::ofMillis).toArray(Duration[]::new);
    /** Join time buckets: a patient admitted at once joins in seconds, one who waits for the doctor in minutes. */
    private static final Duration[] JOIN_BUCKETS = java.util.stream.LongStream.of(2, 5, 10, 20, 30, 60, 120, 300, 600,
            1_200, 1_800, 3_600, 7_200).mapToObj(Duration::ofSeconds).toArray(Duration[]::new);
    /** Media connect buckets: a direct path in well under a second, TURN over a rural link in seconds. */
    private static final Duration[] JOIN_MEDIA_BUCKETS = java.util.stream.LongStream.of(250, 500, 1_000, 2_000, 3_000,
            5_000, 10_000, 20_000, 30_000, 60_000, 120_000).mapToObj(Duration::ofMillis).toArray(Duration[]::new);
    /**
     * The stage histograms' buckets (docs/operations.md, "Where a reading's time goes"): fine from a tenth of a
     * millisecond to the 300 ms a reading may wait for its kiosk's order, coarse above.
     */
    private static final Duration[] STAGE_BUCKETS = java.util.stream.DoubleStream.of(0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5,
            10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1_000, 2_500, 5_000, 10_000)
            .mapToObj(ms -> Duration.ofNanos((long) (ms * 1e6))).toArray(Duration[]::new);
    private static final String TLS_REFUSED = "TLS handshakes the HTTPS and MQTT listeners failed, by reason";
    /** Held here: Micrometer keeps only a weak reference to a gauge's object. */
    private final ConsultationCounts consultations;

    /**
     * The running parts whose counters are exposed; {@code storeAcks} counts the published store acknowledgements,
     * {@code consultations} is counted by state at most once a second ({@link ConsultationCounts}),
     * {@code intakeStallRestarts} the intake connections' reconnects by their stall watch; {@code
     * revokedKioskMessagesDropped} what revoked kiosks published that the intake dropped ({@code RevokedKioskFilter});
     * {@code subscriptionsRefused} the SUBACKs of 0x80 or above that the node's MQTT connections received.
     */
    public record Sources(MeasurementIntake intake, MeasurementStore store, KioskMqttBroker mqtt,
            BrokerMqttClient subscriber, ViewerHub viewers, KioskStatusBoard kiosks,
            SignalingService signaling, LongSupplier storeAcks, LoginService logins, JoinCodes codes,
            SqlConsultationRepository consultations, LongSupplier intakeStallRestarts,
            LongSupplier revokedKioskMessagesDropped, LongSupplier subscriptionsRefused) {
        public Sources {
            Objects.requireNonNull(subscriptionsRefused, "subscriptionsRefused");
            Objects.requireNonNull(intakeStallRestarts, "intakeStallRestarts");
            Objects.requireNonNull(revokedKioskMessagesDropped, "revokedKioskMessagesDropped");
            Objects.requireNonNull(intake, "intake");
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(mqtt, "mqtt");
            Objects.requireNonNull(subscriber, "subscriber");
            Objects.requireNonNull(viewers, "viewers");
            Objects.requireNonNull(kiosks, "kiosks");
            Objects.requireNonNull(signaling, "signaling");
            Objects.requireNonNull(storeAcks, "storeAcks");
            Objects.requireNonNull(logins, "logins");
            Objects.requireNonNull(codes, "codes");
            Objects.requireNonNull(consultations, "consultations");
        }
    }

    public BrokerMetrics(Sources s) {
        counter("telekiosk.readings.accepted", "Kiosk messages the intake accepted (readings, batches, statuses)",
                s.intake(), MeasurementIntake::acceptedCount);
        for (MalformedMessageException.Reason reason : MalformedMessageException.Reason.values()) {
            FunctionCounter.builder("telekiosk.readings.refused", s.intake(), i -> i.rejectedCount(reason))
                    .description("Kiosk messages the intake refused, by reason").tag("reason", reason.code())
                    .register(registry);
        }
        counter("telekiosk.readings.stored", "Readings written to the store", s.store(),
                st -> st.counters().stored());
        counter("telekiosk.readings.duplicate", "Readings the store already held (resent by a kiosk)", s.store(),
                st -> st.counters().duplicates());
        counter("telekiosk.readings.lost", "Readings reported lost (a sequence gap past store.gap-timeout)",
                s.store(), st -> st.counters().lost());
        counter("telekiosk.store.commits", "Transactions of readings the store's writer committed (readings a commit:"
                + " telekiosk_readings_stored_total and _duplicate_total over this)", s.store(),
                st -> st.counters().commits());
        gauge("telekiosk.store.queue", "Writes waiting for the store's writer (readings, refusals, sweeps)", s.store(),
                MeasurementStore::queued);
        Timer lag = Timer.builder("telekiosk.store.lag")
                .description("From a reading's time on the kiosk's clock to the store's commit, readings with a"
                        + " kiosk clock not ahead of the broker's")
                .serviceLevelObjectives(LAG_BUCKETS).register(registry);
        Counter skewed = Counter.builder("telekiosk.store.lag.skewed")
                .description("Readings stored with a time after the store's commit (the kiosk's clock ahead);"
                        + " not in telekiosk_store_lag").register(registry);
        s.store().observeLag(d -> {
            if (d.isNegative()) {
                skewed.increment();
            } else {
                lag.record(d);
            }
        });
        stages(s.store(), s.viewers());
        counter("telekiosk.store.acks.published", "Store acknowledgements handed to the MQTT client for the kiosks", s.storeAcks(),
                LongSupplier::getAsLong);

        counter("telekiosk.viewer.deliveries", "Vitals events sent to doctors' sockets", s.viewers(),
                ViewerHub::deliveredCount);
        counter("telekiosk.viewer.skips", "Vitals events not sent to a socket that was behind", s.viewers(),
                ViewerHub::skippedCount);
        counter("telekiosk.viewer.fanout.dropped", "Kiosk messages not handed to the viewers because the vitals"
                + " fan-out's queue was full (stored and acknowledged regardless)", s.viewers(),
                ViewerHub::fanOutDroppedCount);
        gauge("telekiosk.viewer.sockets", "Open vitals sockets", s.viewers(), ViewerHub::viewerCount);
        gauge("telekiosk.viewer.kiosks", "Kiosks whose latest readings and status the vitals hub keeps for replays",
                s.viewers(), ViewerHub::keptKioskCount);
        s.viewers().order().ifPresent(order -> {
            counter("telekiosk.viewer.order.reordered", "Kiosk readings and waveform batches held for a gap in the"
                    + " kiosk's sequence before going to the viewers", order, VitalsOrder::reorderedCount);
            counter("telekiosk.viewer.order.gaps", "Gaps in kiosks' sequences given up by the vitals ordering (not"
                    + " filled within its wait)", order, VitalsOrder::gapsGivenUpCount);
            counter("telekiosk.viewer.order.late.dropped", "Late kiosk readings and batches not sent to the viewers"
                    + " (older than what was sent)", order, VitalsOrder::lateDroppedCount);
            gauge("telekiosk.viewer.order.held", "Kiosk readings and batches waiting for a gap to close now", order,
                    VitalsOrder::heldCount);
            gauge("telekiosk.viewer.order.kiosks", "Kiosks whose order the vitals hub keeps (not idle)", order,
                    VitalsOrder::kioskCount);
        });
        Timer join = Timer.builder("telekiosk.join")
                .description("Patients' join time as their pages measured it: code entered (kiosk page: call-in) to"
                        + " media connected, the pre-call check and the wait for the doctor included; once per seat")
                .serviceLevelObjectives(JOIN_BUCKETS).register(registry);
        Timer joinMedia = Timer.builder("telekiosk.join.media")
                .description("Patients' media connect time as their pages measured it: admitted to media connected"
                        + " (ICE, TURN, DTLS); once per seat")
                .serviceLevelObjectives(JOIN_MEDIA_BUCKETS).register(registry);
        s.signaling().watchJoinTimes(t -> {
            join.record(t.sinceEntry());
            joinMedia.record(t.sinceAdmitted());
        });
        gauge("telekiosk.signaling.rooms", "Consultations with a live signaling room", s.signaling(),
                SignalingService::roomCount);
        gauge("telekiosk.signaling.sockets", "Open signaling sockets (doctors' and patients' pages)", s.signaling(),
                SignalingService::socketCount);

        consultations = new ConsultationCounts(s.consultations()::countByState, System::nanoTime);
        for (ConsultationState state : ConsultationState.values()) {
            Gauge.builder("telekiosk.consultations", consultations, c -> c.count(state))
                    .description("Consultations in the database by state (ended: those still kept)")
                    .tag("state", state.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
                    .register(registry);
        }
        for (LoginService.RefusalReason reason : LoginService.RefusalReason.values()) {
            FunctionCounter.builder("telekiosk.logins.refused", s.logins(), l -> l.refusedCount(reason))
                    .description("Logins refused, by reason").tag("reason", reason.code()).register(registry);
        }
        for (JoinCodes.RefusalReason reason : JoinCodes.RefusalReason.values()) {
            FunctionCounter.builder("telekiosk.join.codes.refused", s.codes(), c -> c.refusedCount(reason))
                    .description("Join codes refused, by reason").tag("reason", reason.code()).register(registry);
        }

        for (MqttTlsRefusals.Reason reason : MqttTlsRefusals.Reason.values()) {
            FunctionCounter.builder("telekiosk.tls.handshakes.refused", s.mqtt().tlsRefusals(),
                    r -> r.count(reason)).description(TLS_REFUSED).tag("listener", "mqtt")
                    .tag("reason", reason.code()).register(registry);
        }
        gauge("telekiosk.mqtt.connections", "Authenticated MQTT clients connected now", s.mqtt(),
                KioskMqttBroker::connectedClients);
        counter("telekiosk.mqtt.connections.refused", "MQTT connection attempts the authenticator refused",
                s.mqtt(), KioskMqttBroker::refusedConnections);
        counter("telekiosk.mqtt.publishes.incoming", "PUBLISH packets the embedded MQTT broker received",
                s.mqtt(), KioskMqttBroker::incomingPublishes);
        counter("telekiosk.mqtt.publishes.routed", "Kiosk publishes the embedded MQTT broker routed to the broker's"
                + " shared subscription (past the quota, authorized)", s.mqtt(), KioskMqttBroker::kioskPublishesRouted);
        counter("telekiosk.mqtt.publishes.over.quota",
                "Kiosk publishes refused over the kiosk's quota (PUBACK 0x97), all kiosks", s.mqtt(),
                KioskMqttBroker::overQuotaTotal);
        counter("telekiosk.mqtt.publishes.inprocess.acknowledged", "Kiosk publishes the in-process intake"
                + " acknowledged (PUBACK 0x00) after they were taken care of; 0 with mqtt.intake=subscription",
                s.mqtt(), m -> m.inProcessIntake().map(p -> p.acknowledgedCount()).orElse(0L));
        counter("telekiosk.mqtt.publishes.inprocess.send.again", "Kiosk publishes the in-process intake answered"
                + " PUBACK 0x97 to be sent again (store failed or slow, node starting or draining)", s.mqtt(),
                m -> m.inProcessIntake().map(p -> p.sendAgainCount()).orElse(0L));
        counter("telekiosk.mqtt.messages.dropped", "QoS 1 messages the embedded MQTT broker discarded (must stay 0)",
                s.mqtt(), KioskMqttBroker::droppedMessages);
        counter("telekiosk.mqtt.subscriber.stall.restarts", "Reconnects of the broker's intake connections because"
                + " the MQTT broker routed kiosk publishes but delivered none to any of them (shared subscription stall)",
                s.intakeStallRestarts(), LongSupplier::getAsLong);
        counter("telekiosk.kiosk.messages.revoked.dropped", "Messages of revoked kiosks the intake dropped before the"
                + " store (an external MQTT broker still letting a revoked kiosk in: give it the current CRL)",
                s.revokedKioskMessagesDropped(), LongSupplier::getAsLong);
        counter("telekiosk.mqtt.subscriptions.refused", "SUBACKs with a reason code of 0x80 or above that the"
                + " node's MQTT connections received (the MQTT broker's ACL refused the node's subscription: it"
                + " receives nothing on it until a retry is granted)", s.subscriptionsRefused(),
                LongSupplier::getAsLong);
        gauge("telekiosk.mqtt.subscribed", "1 while the broker's measurement subscription is active", s.subscriber(),
                sub -> sub.isSubscribed() ? 1 : 0);

        gauge("telekiosk.kiosks.reporting", "Kiosks that sent a status since start", s.kiosks(),
                KioskStatusBoard::kiosks);
        gauge("telekiosk.kiosks.outbox.queued", "Readings waiting in the kiosks' outboxes (their last statuses)",
                s.kiosks(), KioskStatusBoard::queued);
        gauge("telekiosk.kiosks.outbox.dropped", "Waveform batches the kiosks' full outboxes dropped (their last"
                + " statuses)", s.kiosks(), KioskStatusBoard::dropped);

        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /**
     * Where a reading's time goes inside the node, stage by stage (docs/operations.md): per reading where a clock read
     * and a histogram's increment are all it costs, per batch for the store writer's own work.
     */
    private void stages(MeasurementStore store, ViewerHub viewers) {
        Timer intake = stage("telekiosk.intake.lag", "From a newly stored reading's time on the kiosk's clock to its"
                + " hand-in to the store's writer: the kiosk, MQTT, the MQTT broker and the intake (not kept when the"
                + " kiosk's clock is ahead)").register(registry);
        Timer queued = stage("telekiosk.store.queue.wait", "From a reading's hand-in to the store's writer to the start"
                + " of its batch's transaction: the batches before it and the group commit's wait").register(registry);
        Timer gather = batchPhase("gather");
        Timer transaction = batchPhase("transaction");
        Timer handOff = batchPhase("handoff");
        store.observeStages(new org.telekiosk.broker.store.WriterStages() {
            @Override
            public void reading(long intakeNanos, long queuedNanos) {
                intake.record(intakeNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
                queued.record(queuedNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
            }

            @Override
            public void batch(long gatherNanos, long transactionNanos, long handOffNanos) {
                gather.record(gatherNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
                transaction.record(transactionNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
                handOff.record(handOffNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
        });
        Timer delay = stage("telekiosk.viewer.delay", "From a stored reading's hand-in to the vitals hub (right after"
                + " its commit) until its frame is queued to its viewers' sockets: the fan-out lane, the kiosk's order,"
                + " encoding and routing; readings and batches sent to at least one viewer").register(registry);
        viewers.observeDelays(nanos -> delay.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS));
        viewers.order().ifPresent(order -> {
            Timer[] waits = new Timer[VitalsOrder.Cause.values().length];
            for (VitalsOrder.Cause cause : VitalsOrder.Cause.values()) {
                waits[cause.ordinal()] = stage("telekiosk.viewer.order.wait", "How long kiosk readings and batches"
                        + " waited in the vitals ordering, by cause: first after the start or an idle pause, a gap"
                        + " that closed, a gap given up after the wait, too many held").tag("cause", cause.code())
                        .register(registry);
            }
            order.observeWaits((cause, nanos) -> waits[cause.ordinal()].record(nanos,
                    java.util.concurrent.TimeUnit.NANOSECONDS));
        });
    }

    private Timer batchPhase(String phase) {
        return stage("telekiosk.store.batch", "The store writer's time per batch of readings, by phase: the group"
                + " commit's wait, the transaction (SQL and commit), the hand-off after it (PUBACKs released, readings"
                + " queued to the viewers' lanes)").tag("phase", phase).register(registry);
    }

    /** A stage histogram as the node registers it (its buckets); {@code StageMetersCostBenchmark} times these. */
    static Timer.Builder stage(String name, String description) {
        return Timer.builder(name).description(description).serviceLevelObjectives(STAGE_BUCKETS);
    }

    /**
     * Registers the kiosks each part of the node keeps state of in memory ({@code part} → its count, the node's
     * per-kiosk sweep): with churn they stay near the enrolled kiosks in use instead of growing with every kiosk ever
     * seen (docs/operations.md, "Memory per kiosk").
     */
    public void kioskState(java.util.Map<String, java.util.function.IntSupplier> parts) {
        parts.forEach((part, count) -> Gauge.builder("telekiosk.kiosk.state", count, c -> c.getAsInt())
                .description("Kiosks a part of the node keeps state of in memory, by part").tag("part", part)
                .register(registry));
    }

    /** Registers the HTTPS listener's failed TLS handshakes (the listener starts after the meters). */
    public void tlsHandshakes(TlsHandshakeRefusals refusals) {
        for (TlsHandshakeRefusals.Reason reason : TlsHandshakeRefusals.Reason.values()) {
            FunctionCounter.builder("telekiosk.tls.handshakes.refused", refusals, r -> r.count(reason))
                    .description(TLS_REFUSED).tag("listener", "https").tag("reason", reason.code())
                    .register(registry);
        }
    }

    /** The registry, for meters other parts record directly. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Every meter in the Prometheus text exposition format 0.0.4. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private <T> void counter(String name, String description, T source, ToDoubleFunction<T> value) {
        FunctionCounter.builder(name, source, value).description(description).register(registry);
    }

    private <T> void gauge(String name, String description, T source, ToDoubleFunction<T> value) {
        Gauge.builder(name, source, value).description(description).register(registry);
    }
}
