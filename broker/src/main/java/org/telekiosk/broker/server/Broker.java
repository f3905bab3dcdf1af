package org.telekiosk.broker.server;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.config.BrokerConfig;
import org.telekiosk.broker.api.RestApi;
import org.telekiosk.broker.http.ApiHandler;
import org.telekiosk.broker.http.BrokerInitializer;
import org.telekiosk.broker.signaling.SignalingService;
import org.telekiosk.broker.http.HealthCheck;
import org.telekiosk.broker.http.StaticContent;
import java.util.concurrent.ScheduledExecutorService;
import org.telekiosk.broker.audit.AuditLog;
import org.telekiosk.broker.audit.SqlAuditLog;
import org.telekiosk.broker.audit.QueuedAuditLog;
import org.telekiosk.broker.enrollment.EnrollmentService;
import org.telekiosk.broker.enrollment.KioskAdministration;
import org.telekiosk.broker.kioskpage.KioskPageTokens;
import org.telekiosk.broker.enrollment.EnrollmentSettings;
import org.telekiosk.broker.kiosk.KioskRegistry;
import org.telekiosk.broker.kiosk.Revocations;
import org.telekiosk.broker.pki.CaPin;
import org.telekiosk.broker.pki.KioskClientTrust;
import org.telekiosk.broker.pki.ServerIdentity;
import org.telekiosk.broker.mqtt.EmbeddedMqttBroker;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.pki.Certificates;
import org.telekiosk.broker.pki.KeystorePassword;
import org.telekiosk.broker.pki.SecureFiles;
import org.telekiosk.broker.pki.TlsPolicy;
import org.telekiosk.broker.pki.TrustStores;
import org.telekiosk.broker.fhir.ConsultationFhirExport;
import org.telekiosk.broker.fhir.ReadingLinker;
import org.telekiosk.broker.store.MeasurementStore;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.store.StoreDatabase;
import org.telekiosk.broker.telemetry.MeasurementIntake;
import org.telekiosk.broker.telemetry.MqttMeasurementSubscriber;
import org.telekiosk.broker.telemetry.KioskStatusBoard;
import org.telekiosk.broker.telemetry.StoringForwarder;
import org.telekiosk.broker.telemetry.StoreAcks;
import org.telekiosk.broker.viewer.ViewerHub;
import org.telekiosk.broker.viewer.VitalsAccess;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.topic.Topics;

/**
 * The composition root of a running broker: builds every part from the configuration, starts them in order, and
 * stops them in reverse. Used by {@code BrokerMain} and by the tests, which start it on free ports.
 */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    /**
     * How often each kiosk is told how far the store holds its readings, at most ({@link StoreAcks}): often enough
     * that a kiosk's outbox stays small, rarely enough that a busy kiosk costs one small message per interval.
     */
    static final java.time.Duration STORE_ACK_INTERVAL = java.time.Duration.ofMillis(250);

    private final BrokerConfig config;
    private final BrokerPki pki;
    private final KioskRegistry kiosks;
    private final EnrollmentService enrollment;
    private final KioskAdministration administration;
    private final Revocations revocations;
    private final QueuedAuditLog audit;
    private final ExecutorService worker;
    private final ScheduledExecutorService watcher;
    private final EmbeddedMqttBroker mqtt;
    private final MeasurementStore store;
    private final MeasurementIntake intake;
    private final ViewerHub hub;
    private final MqttMeasurementSubscriber subscriber;
    private final HttpsServer https;
    private final AccessServices access;
    private final AccessPurge purge;
    private final ExecutorService apiExecutor;
    private final Signaling signaling;
    private final Commands commands;
    private final org.telekiosk.broker.metrics.MetricsEndpoint metrics;

    private Broker(BrokerConfig config, BrokerPki pki, Kiosks k, EmbeddedMqttBroker mqtt,
            MeasurementStore store, MeasurementIntake intake, ViewerHub hub, MqttMeasurementSubscriber subscriber,
            HttpsServer https, AccessServices access, AccessPurge purge, ExecutorService apiExecutor,
            Signaling signaling, Commands commands, org.telekiosk.broker.metrics.MetricsEndpoint metrics) {
        this.commands = commands;
        this.metrics = metrics;
        this.config = config;
        this.pki = pki;
        this.kiosks = k.registry;
        this.enrollment = k.enrollment;
        this.administration = k.administration;
        this.revocations = k.revocations;
        this.audit = k.audit;
        this.worker = k.worker;
        this.watcher = k.watcher;
        this.mqtt = mqtt;
        this.store = store;
        this.intake = intake;
        this.hub = hub;
        this.subscriber = subscriber;
        this.https = https;
        this.access = access;
        this.purge = purge;
        this.apiExecutor = apiExecutor;
        this.signaling = signaling;
    }

    /**
     * Starts a broker. Blocking (key generation, disk, the embedded MQTT broker's start); returns once every
     * listener is up.
     *
     * @param environment the process environment; only {@link KeystorePassword#ENV} and
     *                    {@link StoreDatabase#PASSWORD_ENV} are read from it
     */
    public static Broker start(BrokerConfig config, Clock clock, Map<String, String> environment)
            throws IOException, GeneralSecurityException, InterruptedException {
        org.telekiosk.broker.pki.Renegotiation.refuseClientInitiated();
        Path data = SecureFiles.ownerOnlyDirectory(config.dataDir().toAbsolutePath());
        SecureRandom random = new SecureRandom();
        KeystorePassword password = KeystorePassword.resolve(environment.get(KeystorePassword.ENV),
                data.resolve("pki").resolve("keystore.password"), random);
        BrokerPki pki = BrokerPki.open(data.resolve("pki"), password, hostNames(config), new Certificates(random),
                clock);
        KioskRegistry registry = KioskRegistry.open(data.resolve("kiosks"));
        ServerIdentity httpsIdentity = config.kioskPki().serverCertificateFile().isPresent()
                ? ServerIdentity.fromPem(config.kioskPki().serverCertificateFile().get(),
                        config.kioskPki().serverKeyFile().get())
                : new ServerIdentity(pki.serverKey(), pki.serverChain());

        int mqttPort = config.mqttPort() != 0 ? config.mqttPort() : FreePort.pick(config.mqttBindAddress());
        List<AutoCloseable> started = new ArrayList<>();
        ExecutorService worker = Executors.newVirtualThreadPerTaskExecutor();
        started.add(worker::shutdownNow);
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("kiosk-registry-watch").daemon(true).factory());
        started.add(watcher::shutdownNow);
        try {
            StoreDatabase database = StoreDatabase.configured(config.storeUrl(), config.storeUser(),
                    config.defaultStoreFile(), environment);
            MeasurementStore store = openStore(database, config, clock);
            started.add(store);
            // Kiosk events go to the same audit_event table as the accounts' (purged after audit.retention), through
            // one writer thread: HiveMQ's and Netty's threads only queue.
            QueuedAuditLog audit = new QueuedAuditLog(new SqlAuditLog(new SqlAccess(database)));
            started.add(audit);
            // A kiosk page session ends with its kiosk: the registry's state is re-read every REGISTRY_POLL.
            AccessServices access = AccessServices.open(new SqlAccess(database), config.access(), data, random,
                    clock, kiosk -> registry.state().kiosk(kiosk).filter(k -> !k.revoked()).isPresent());
            int resuming = access.purge().seats().disconnectAllConnected(clock.instant());
            if (resuming > 0) {
                LOG.info("{} patients were connected before this start; they may resume within the grace period",
                        resuming);
            }
            AccessPurge purge = AccessPurge.every(config.access().purgeInterval(), access, clock);
            started.add(purge);
            ExecutorService apiExecutor = Executors.newThreadPerTaskExecutor(
                    Thread.ofVirtual().name("api-", 0).factory());
            started.add(apiExecutor);
            EmbeddedMqttBroker mqtt = EmbeddedMqttBroker.start(config, mqttPort, pki, hostNames(config), registry, audit,
                    clock);
            started.add(mqtt);
            Revocations revocations = new Revocations(registry, pki.issuing(), pki.crlFile(), clock,
                    mqtt::revokedAndWait);
            revocations.publish();
            revocations.watch(watcher, REGISTRY_POLL);
            ViewerHub hub = new ViewerHub(WireCodec.json(WireCodec.DEFAULT_MAX_BYTES));
            access.calls().subscribe(hub);
            KioskStatusBoard statuses = new KioskStatusBoard();
            // The acknowledgements go out through the subscriber's client, which needs the intake: hence the holder.
            java.util.concurrent.atomic.AtomicReference<MqttMeasurementSubscriber> downlink =
                    new java.util.concurrent.atomic.AtomicReference<>();
            WireCodec ackCodec = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
            java.util.concurrent.atomic.LongAdder acksPublished = new java.util.concurrent.atomic.LongAdder();
            StoreAcks storeAcks = new StoreAcks((kiosk, from) -> store.progress(kiosk, from,
                    org.telekiosk.protocol.downlink.StoreAck.MAX_REFUSED + 1), ack -> {
                MqttMeasurementSubscriber client = downlink.get();
                // A revoked kiosk's retained acknowledgement was removed (EmbeddedMqttBroker.revoked): a late reading
                // of its former enrollment must not put one back for a kiosk enrolled again under its id.
                if (client != null && registry.state().kiosk(ack.kiosk()).filter(k -> !k.revoked()).isPresent()) {
                    client.publishRetained(Topics.acks(ack.kiosk()), ackCodec.encode(ack));
                    acksPublished.increment();
                }
            });
            Commands commands = Commands.start(access.consultations(), new SqlAccess(database), downlink::get, audit,
                    apiExecutor, clock);
            commands.service().onChange(record -> hub.command(new org.telekiosk.protocol.viewer.ViewerEvent
                    .CommandChanged(record.kiosk(), record.id(),
                            record.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                            record.status().name().toLowerCase(java.util.Locale.ROOT), record.seconds(),
                            record.reason(), record.updatedAt())));
            started.add(commands);
            MeasurementIntake intake = MeasurementIntake.withSink(WireCodec.cbor(config.mqttMaxPayloadBytes()),
                    new StoringForwarder(store, hub::publish, statuses, storeAcks, commands::report, audit::record,
                            clock));
            String mqttHost = localAddress(config.mqttBindAddress());
            MqttMeasurementSubscriber subscriber = new MqttMeasurementSubscriber(
                    "ssl://" + mqttHost + ":" + mqttPort, MqttMeasurementSubscriber.clientIdIn(data, random),
                    TrustStores.trustingWithIdentity(pki.caCertificate(), pki.serviceIdentity()).getSocketFactory(),
                    intake);
            started.add(subscriber);
            downlink.set(subscriber);
            java.util.concurrent.ScheduledExecutorService ackFlusher = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("store-acks").daemon().factory());
            started.add(ackFlusher::shutdownNow);
            ackFlusher.scheduleWithFixedDelay(() -> {
                try {
                    storeAcks.flush().get(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.warn("Publishing store acknowledgements failed: {}", e.toString());
                }
            }, STORE_ACK_INTERVAL.toMillis(), STORE_ACK_INTERVAL.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            subscriber.watchForStalls(mqtt::incomingPublishes, java.time.Duration.ofSeconds(5));
            subscriber.start();

            Signaling signaling = Signaling.start(config, access, clock, environment, statuses::latest);
            started.add(signaling);

            // Client certificates are optional on HTTPS: only renewal (POST /api/v1/renew) asks for one.
            SslContext ssl = SslContextBuilder.forServer(httpsIdentity.key(), httpsIdentity.chain())
                    .sslProvider(SslProvider.JDK)
                    .protocols(TlsPolicy.PROTOCOLS)
                    .ciphers(TlsPolicy.CIPHERS)
                    .trustManager(new KioskClientTrust(pki.caCertificate()))
                    .clientAuth(ClientAuth.OPTIONAL)
                    .build();
            HealthReport health = new HealthReport(mqtt, subscriber, intake, hub, store, statuses);
            org.telekiosk.broker.metrics.MetricsEndpoint metrics = org.telekiosk.broker.metrics.MetricsEndpoint.start(
                    config.metrics(), new org.telekiosk.broker.metrics.BrokerMetrics.Sources(intake, store, mqtt,
                            subscriber, hub, statuses, signaling.service(), acksPublished::sum));
            started.add(metrics);
            StaticContent content = StaticContent.load();
            // Origins depend on the bound port, which is only known after binding when port 0 is configured.
            int httpsPort = config.httpsPort() != 0 ? config.httpsPort() : FreePort.pick(config.httpsBindAddress());
            String publicHost = config.hostNames().getFirst();
            String hostPart = publicHost.contains(":") ? "[" + publicHost + "]" : publicHost;
            EnrollmentService enrollment = new EnrollmentService(registry, pki.issuing(),
                    CaPin.of(httpsIdentity.pinnedCa()), audit, clock, random,
                    new EnrollmentSettings(config.kioskPki().tokenLifetime(), config.kioskPki().certificateLifetime(),
                            "ssl://" + hostPart + ":" + mqttPort, "https://" + hostPart + ":" + httpsPort + "/api/v1/renew"),
                    revocations::publish);
            enrollment.numberReadingsFrom(kiosk -> store.nextSeq(kiosk).join());
            KioskAdministration administration = new KioskAdministration(enrollment, registry, mqtt::isConnected,
                    statuses::latest, kiosk -> new KioskAdministration.Aside(store.refusedCount(kiosk).join(),
                            store.conflictCount(kiosk).join()));
            KioskPageTokens pageTokens = new KioskPageTokens(enrollment, access.sessions(), audit, random, clock);
            List<String> origins = config.effectiveOrigins(httpsPort, httpsIdentity.hostNames());
            RestApi.Services apiServices = new RestApi.Services(access.accounts(), access.logins(),
                    access.consultations(), access.codes(), java.util.Optional.of(administration),
                    java.util.Optional.of(new ConsultationFhirExport(access.consultations(), new ReadingLinker(store),
                            clock)), java.util.Optional.of(pageTokens), java.util.Optional.of(commands.service()),
                    java.util.Optional.of(store));
            ApiHandler api = new ApiHandler(new RestApi(apiServices, origins,
                    config.access().apiMaxConcurrentHashes(), clock, java.util.Optional.of(config.vitals())), apiExecutor,
                    config.access().apiMaxConcurrentRequests());
            HttpsServer https = HttpsServer.bind(config.httpsBindAddress(), httpsPort,
                    new BrokerInitializer(ssl, content, health, hub, origins, config.viewerMaxFrameBytes(),
                            enrollment, java.util.Optional.of(pageTokens), revocations::crlDer, worker, api,
                            signaling.endpoint(), new VitalsAccess(access.sessions(), access.consultations(), clock)),
                    config.viewerMaxPendingBytes());
            started.add(https);
            BrokerConfig bound = config.withPorts(https.port(), mqttPort);
            LOG.info("Broker listening on https://{}:{}/ (MQTT over TLS on port {})", config.httpsBindAddress(),
                    https.port(), mqttPort);
            return new Broker(bound, pki, new Kiosks(registry, enrollment, administration, revocations, audit,
                    worker, watcher), mqtt,
                    store, intake, hub, subscriber, https, access, purge, apiExecutor, signaling, commands, metrics);
        } catch (IOException | GeneralSecurityException | InterruptedException | RuntimeException e) {
            for (AutoCloseable part : started.reversed()) {
                try {
                    part.close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }

    /** How often the registry file is checked for revocations made with the command line. */
    static final Duration REGISTRY_POLL = Duration.ofSeconds(2);

    /** The kiosk-trust parts, grouped to keep the constructor short. */
    private record Kiosks(KioskRegistry registry, EnrollmentService enrollment, KioskAdministration administration,
            Revocations revocations, QueuedAuditLog audit, ExecutorService worker, ScheduledExecutorService watcher) {}

    /** Migrates the schema (every migration, the accounts' too) and opens the measurement store. */
    private static MeasurementStore openStore(StoreDatabase database, BrokerConfig config, Clock clock)
            throws IOException {
        MeasurementStore store;
        try {
            store = MeasurementStore.open(database, config.storeGapTimeout(), clock);
        } catch (SQLException | org.flywaydb.core.api.FlywayException e) {
            throw new IOException("cannot open the measurement store " + database + ": " + e.getMessage(), e);
        }
        store.reportLostGapsEvery(sweepPeriod(config.storeGapTimeout()));
        return store;
    }

    /** Often enough that a lost gap is reported within a tenth of the timeout, at most once a second. */
    private static Duration sweepPeriod(Duration gapTimeout) {
        Duration tenth = gapTimeout.dividedBy(10);
        Duration minute = Duration.ofMinutes(1);
        Duration second = Duration.ofSeconds(1);
        return tenth.compareTo(minute) > 0 ? minute : tenth.compareTo(second) < 0 ? second : tenth;
    }

    private static List<String> hostNames(BrokerConfig config) {
        List<String> names = new ArrayList<>(config.hostNames());
        try {
            String own = InetAddress.getLocalHost().getHostName();
            if (!names.contains(own) && own.matches("[A-Za-z0-9.-]{1,253}")) {
                names.add(own);
            }
        } catch (UnknownHostException e) {
            LOG.debug("The machine's host name is unknown; the certificate covers {} only", names);
        }
        return names;
    }

    private static String localAddress(String bind) {
        return bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
    }

    public BrokerConfig config() {
        return config;
    }

    public int httpsPort() {
        return https.port();
    }

    public int mqttPort() {
        return mqtt.port();
    }

    /** The page a doctor opens. */
    public URI url() {
        return URI.create("https://localhost:" + https.port() + "/");
    }

    /** Where kiosks reach the MQTT broker. */
    public URI mqttUri() {
        return URI.create("ssl://" + localAddress(config.mqttBindAddress()) + ":" + mqtt.port());
    }

    public BrokerPki pki() {
        return pki;
    }

    /** The kiosks, their tokens and revoked certificates. */
    public KioskRegistry kiosks() {
        return kiosks;
    }

    /** Enrollment tokens, enrollment, renewal and revocation. */
    public EnrollmentService enrollment() {
        return enrollment;
    }

    /**
     * The technician's kiosk operations (tokens, fleet, revocation) with role checks, for the REST adapter
     * ({@code POST /api/v1/kiosks/{id}/enrollment-tokens}, {@code GET /api/v1/kiosks}).
     */
    public KioskAdministration kioskAdministration() {
        return administration;
    }

    public Revocations revocations() {
        return revocations;
    }

    /**
     * The kiosk events' audit log: table {@code audit_event} of the store's database, written by one thread (the
     * accounts' and consultations' events reach the same table through {@link #access()}).
     */
    public AuditLog audit() {
        return audit;
    }

    public MeasurementIntake intake() {
        return intake;
    }

    public MeasurementStore store() {
        return store;
    }

    public ViewerHub viewers() {
        return hub;
    }

    public MqttMeasurementSubscriber subscriber() {
        return subscriber;
    }

    public EmbeddedMqttBroker mqtt() {
        return mqtt;
    }

    /** The measurement commands (blocking: call them off the event loop). */
    public org.telekiosk.broker.command.CommandService commands() {
        return commands.service();
    }

    /** The account and consultation services (blocking: call them off the event loop). */
    public AccessServices access() {
        return access;
    }

    /** The signaling service behind {@code /ws/signal}. */
    public SignalingService signaling() {
        return signaling.service();
    }

    /** Where Prometheus scrapes this broker ({@code metrics.bind}, {@code metrics.port}), if anywhere. */
    public java.util.Optional<java.net.URI> metricsUrl() {
        return metrics.url();
    }

    public boolean isReady() {
        return subscriber.isSubscribed();
    }

    @Override
    public void close() {
        https.close();
        metrics.close();
        commands.close();
        apiExecutor.close();
        purge.close();
        signaling.close();
        watcher.shutdownNow();
        worker.shutdown();
        subscriber.close();
        store.close();
        mqtt.close();
        audit.close();
        LOG.info("Broker stopped");
    }

    /** {@code /healthz}: ready when the measurement subscription is active; counters for a technician. */
    private record HealthReport(EmbeddedMqttBroker mqtt, MqttMeasurementSubscriber subscriber,
            MeasurementIntake intake, ViewerHub hub, MeasurementStore store, KioskStatusBoard statuses)
            implements HealthCheck {
        @Override
        public Report report() {
            boolean up = subscriber.isSubscribed();
            StringBuilder rejected = new StringBuilder("{");
            intake.rejectedCounts().forEach((reason, count) ->
                    rejected.append(rejected.length() > 1 ? "," : "").append('"').append(reason).append("\":")
                            .append(count));
            rejected.append('}');
            String json = "{\"status\":\"" + (up ? "ok" : "starting") + "\",\"mqtt\":{\"subscribed\":" + up
                    + ",\"refusedConnections\":" + mqtt.refusedConnections() + ",\"droppedMessages\":"
                    + mqtt.droppedMessages() + "},\"measurements\":{\"accepted\":" + intake.acceptedCount()
                    + ",\"rejected\":" + rejected + "},\"store\":{\"stored\":" + store.counters().stored()
                    + ",\"duplicates\":" + store.counters().duplicates() + ",\"lost\":" + store.counters().lost()
                    + ",\"refused\":" + store.counters().refused() + ",\"conflicts\":" + store.counters().conflicts()
                    + "},\"kiosks\":{\"reporting\":" + statuses.kiosks() + ",\"queued\":" + statuses.queued()
                    + ",\"dropped\":" + statuses.dropped() + ",\"outboxFaults\":" + statuses.outboxFaults()
                    + "},\"viewers\":{\"connected\":" + hub.viewerCount()
                    + ",\"delivered\":" + hub.deliveredCount() + ",\"skipped\":" + hub.skippedCount() + "}}";
            return new Report(up, json);
        }
    }
}
