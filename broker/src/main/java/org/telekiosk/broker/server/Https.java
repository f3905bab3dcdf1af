package org.telekiosk.broker.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.telekiosk.broker.api.ApiServices;
import org.telekiosk.broker.api.RestApi;
import org.telekiosk.broker.config.BrokerConfig;
import org.telekiosk.broker.fhir.ConsultationFhirExport;
import org.telekiosk.broker.fhir.ReadingLinker;
import org.telekiosk.broker.http.ApiHandler;
import org.telekiosk.broker.http.BrokerInitializer;
import org.telekiosk.broker.http.HealthCheck;
import org.telekiosk.broker.http.StaticContent;
import org.telekiosk.broker.mqtt.BrokerMqttClient;
import org.telekiosk.broker.mqtt.KioskMqttBroker;
import org.telekiosk.broker.record.RecordExport;
import org.telekiosk.broker.update.AgentPackages;
import org.telekiosk.broker.update.AgentUpdates;
import org.telekiosk.broker.viewer.VitalsAccess;
import org.telekiosk.protocol.update.UpdateKey;

/**
 * The HTTPS module: the TLS context (client certificates optional: only the kiosk-facing endpoints ask for one), the
 * REST API over the other modules' services, the pipeline ({@link BrokerInitializer}) and the listener
 * ({@link HttpsServer}).
 */
final class Https implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Https.class);
    private final HttpsServer server;
    private final BrokerInitializer initializer;
    private final org.telekiosk.broker.http.TlsHandshakeRefusals tlsRefusals;
    /** Set when the node drains: {@code /readyz} answers 503 from then on. */
    private final java.util.concurrent.atomic.AtomicBoolean draining;

    private Https(HttpsServer server, BrokerInitializer initializer,
            org.telekiosk.broker.http.TlsHandshakeRefusals tlsRefusals,
            java.util.concurrent.atomic.AtomicBoolean draining) {
        this.draining = draining;
        this.initializer = initializer;
        this.server = server;
        this.tlsRefusals = tlsRefusals;
    }

    /** What the HTTPS listener serves; every part started before it. */
    record Parts(KioskTrust.Keys keys, KioskTrust trust, AccessServices access, Telemetry telemetry,
            Commands commands, Signaling signaling, Storage storage, KioskMqttBroker mqtt, BrokerMqttClient client,
            ExecutorService apiExecutor) {}

    /** Binds {@code port} (picked beforehand: the enrollment settings name it) and returns once listening. */
    static Https start(BrokerConfig config, int port, Parts parts, Clock clock)
            throws IOException, InterruptedException {
        // Origins depend on the bound port, which is only known after binding when port 0 is configured.
        List<String> origins = config.effectiveOrigins(port, parts.keys().https().hostNames());
        AccessServices access = parts.access();
        AgentUpdates updates = agentUpdates(config, parts, clock);
        ConsultationFhirExport.prepareInBackground();
        ApiServices services = new ApiServices(access.accounts(), access.logins(), access.consultations(),
                access.codes(), Optional.of(parts.trust().administration()),
                Optional.of(new ConsultationFhirExport(access.consultations(),
                        new ReadingLinker(parts.storage().store()), clock)),
                Optional.of(parts.trust().pageTokens()), Optional.of(parts.commands().service()),
                Optional.of(parts.storage().store()), Optional.of(new RecordExport(access.consultations(),
                        access.records(), access.audit(), clock)), Optional.of(parts.storage().audit()),
                Optional.of(parts.trust().enrollment()), Optional.of(updates));
        ApiHandler api = new ApiHandler(new RestApi(services, origins, config.access().apiMaxConcurrentHashes(), clock,
                Optional.of(config.vitals())), parts.apiExecutor(), config.access().apiMaxConcurrentRequests(),
                config.httpLimits().loginsInProgress());
        var draining = new java.util.concurrent.atomic.AtomicBoolean();
        HealthCheck health = new HealthReport(draining::get, parts.mqtt(), parts.telemetry()::allSubscribed,
                parts.telemetry().intake(), parts.telemetry().hub(), parts.storage().store(),
                parts.telemetry().statuses(), parts.storage().writeProbe());
        io.netty.handler.ssl.SslContext tls = HttpsTls.context(parts.keys().https().key(), parts.keys().https().chain(),
                parts.keys().pki().caCertificate(), config.tlsProvider());
        BrokerInitializer initializer = new BrokerInitializer(tls, StaticContent.load(), health,
                parts.telemetry().hub(), origins, config.viewerMaxFrameBytes(), parts.trust().revocations()::crlDer,
                api, parts.signaling().endpoint(), new VitalsAccess(access.sessions(), access.consultations(), clock,
                        access.audit(), config.viewerLimits()), config.httpLimits());
        EventLoops loops = EventLoops.of(config.httpsTransport(), "https.transport");
        LOG.info("HTTPS transport: {}", loops.describe());
        return new Https(HttpsServer.bind(loops, config.httpsBindAddress(), port, initializer,
                config.viewerMaxPendingBytes()), initializer, initializer.tlsRefusals(), draining);
    }

    /** The agent update endpoints: packages served when {@code agent-update.public-key-file} is set. */
    private static AgentUpdates agentUpdates(BrokerConfig config, Parts parts, Clock clock) throws IOException {
        Optional<AgentPackages> packages = Optional.empty();
        if (config.kioskPki().updateKeyFile().isPresent()) {
            Path keyFile = config.kioskPki().updateKeyFile().get();
            UpdateKey key;
            try {
                key = UpdateKey.fromPem(Files.readString(keyFile));
            } catch (IllegalArgumentException e) {
                throw new IOException("agent-update.public-key-file " + keyFile + ": " + e.getMessage(), e);
            }
            Path dir = config.kioskPki().updatesDir().orElse(config.dataDir().resolve("agent-updates"));
            Files.createDirectories(dir);
            packages = Optional.of(new AgentPackages(dir, key));
            LOG.info("Agent updates: packages in {} signed by {}", dir, key);
        }
        return new AgentUpdates(parts.trust().enrollment(), packages, parts.trust().agentVersions(),
                kiosk -> !parts.access().consultations().openCallsAt(kiosk).isEmpty(), parts.storage().audit(), clock);
    }

    int port() {
        return server.port();
    }

    /** The transport the listener's event loops run on ({@code https.transport} as resolved here). */
    org.telekiosk.broker.config.NettyTransport transport() {
        return server.loops().transport();
    }

    /** The listener's failed TLS handshakes, by reason (the metrics). */
    org.telekiosk.broker.http.TlsHandshakeRefusals tlsRefusals() {
        return tlsRefusals;
    }

    /**
     * The first step of a drain (issue 17): {@code /readyz} answers 503 ({@code "draining"}) at once, and the listener
     * stops accepting (new connections are refused; a balancer sends them to another node). Open connections stay:
     * the REST requests in progress finish, the sockets are told to move by {@link #moveSockets}. Blocking.
     */
    void stopAccepting() {
        draining.set(true);
        server.stopAccepting();
    }

    /** Closes every vitals and signaling socket with 1012 so that the pages resume on another node (a drain). */
    void moveSockets(java.time.Duration wait) {
        initializer.moveSockets(wait);
    }

    /** Drops every connection without a close frame (tests of a node's death, issue 17). */
    void halt() {
        server.halt();
    }

    @Override
    public void close() {
        // the pages reconnect (and resume) after 1001; without it they would see the connection drop (1006)
        initializer.goingAway(java.time.Duration.ofSeconds(2));
        server.close();
    }
}
