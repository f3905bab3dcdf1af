package org.telekiosk.broker.mqtt;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.config.BrokerConfig;
import com.hivemq.extension.sdk.api.services.session.ClientService;
import com.hivemq.extension.sdk.api.services.exception.NoSuchClientIdException;
import com.hivemq.extension.sdk.api.services.publish.RetainedMessageStore;
import org.telekiosk.protocol.topic.Topics;
import java.time.Clock;
import org.telekiosk.broker.audit.AuditLog;
import org.telekiosk.broker.kiosk.KioskRegistry;
import org.telekiosk.broker.kiosk.PerKioskState;
import org.telekiosk.protocol.KioskId;
import org.telekiosk.broker.request.Refusal;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.pki.SecureFiles;

/**
 * HiveMQ Community Edition, embedded in the broker process: MQTT 5 over mutual TLS only (a client certificate
 * chaining to our root CA is required), with our authenticator registered (embedded HiveMQ lets every client in
 * otherwise).
 *
 * <p>Durability: file persistence under {@code <data-dir>/mqtt} keeps sessions, subscriptions and queued QoS 1
 * messages across a clean restart (after a SIGKILL, HiveMQ CE 2025.5 was seen to lose a few messages it had
 * acknowledged: docs/reliability.md); sessions and messages do not expire unless the client asks (the maximum intervals
 * of MQTT 5 §3.1.2.11.2 and §3.3.2.3.3); the queue limit ({@code mqtt.max-queued-messages}) is far above HiveMQ's
 * default, which discarded half of a burst for a slow subscriber (FACTS.md). What HiveMQ CE discards (it cannot refuse
 * a publish when a queue is full) is {@link #droppedMessages()}, in {@code /healthz}; the system tests require 0.
 *
 * <p>The maximum packet size ({@link MqttPacketLimit}) is enforced by HiveMQ's decoder: an oversized PUBLISH ends
 * the connection with DISCONNECT 0x95 before its payload is held in memory.
 *
 * <p>Retained messages are enabled (CONNACK Retain Available 1, MQTT 5 §3.2.2.3.5): the store acknowledgement is
 * published retained on each kiosk's {@code acks} topic, so a reconnecting kiosk receives it when it subscribes, before
 * it sends anything. File persistence keeps retained messages across a restart. Kiosks cannot publish retained
 * messages ({@link MqttAuthenticator}'s permissions); only the broker's own client writes them.
 *
 * <p>With {@code mqtt.intake=in-process} an {@link InProcessIntake} interceptor takes the kiosks' publishes before
 * HiveMQ queues them and answers each PUBACK after the commit (a kiosk may have it as its store acknowledgement:
 * {@link PubackAcks}); what still takes the shared subscription is the kiosks' Wills.
 */
public final class EmbeddedMqttBroker implements KioskMqttBroker {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMqttBroker.class);
    /** A revoked kiosk's connection ends with DISCONNECT 0x87 "not authorized" ({@link MqttReasons#disconnect}). */
    private static final Refusal.KioskCredential REVOKED = new Refusal.KioskCredential(Refusal.Kind.FORBIDDEN,
            "Kiosk revoked", "kiosk revoked");
    /** A start takes seconds; over 60 s was seen on a 2-core machine at a load of 70, so the bound is generous. */
    private static final long START_TIMEOUT_SECONDS = 180;
    private static final long REVOKE_TIMEOUT_SECONDS = 10;

    private final EmbeddedHiveMQ hivemq;
    private final MqttAuthenticator authenticator;
    private final int port;
    private final SecurityExtension extension;
    private final PublishQuota quota;
    private final MqttTlsRefusals tlsRefusals;

    private EmbeddedMqttBroker(EmbeddedHiveMQ hivemq, MqttAuthenticator authenticator, int port,
            SecurityExtension extension, PublishQuota quota, MqttTlsRefusals tlsRefusals) {
        this.quota = quota;
        this.tlsRefusals = tlsRefusals;
        this.hivemq = hivemq;
        this.authenticator = authenticator;
        this.port = port;
        this.extension = extension;
    }

    /** Writes HiveMQ's configuration and starts it; blocks until it listens. */
    public static EmbeddedMqttBroker start(BrokerConfig config, int port, BrokerPki pki, List<String> hostNames,
            KioskRegistry kiosks, AuditLog audit, Clock clock) throws IOException {
        Path root = SecureFiles.ownerOnlyDirectory(config.dataDir().resolve("mqtt"));
        Path conf = Files.createDirectories(root.resolve("conf"));
        Path data = Files.createDirectories(root.resolve("data"));
        Path extensions = Files.createDirectories(root.resolve("extensions"));
        // The listener's own key stores under a random password (ListenerKeyStores): the configuration names it, so
        // it is owner-only like the key stores; the broker's key store password appears in no generated file.
        ListenerKeyStores stores;
        try {
            stores = ListenerKeyStores.write(conf, pki.issuing(), hostNames, clock.instant(), new SecureRandom());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make the MQTT listener's key stores: " + e.getMessage(), e);
        }
        SecureFiles.writeSecret(conf.resolve("config.xml"),
                HiveMqConfigXml.of(config, port, stores).getBytes(StandardCharsets.UTF_8));

        PublishQuota quota = new PublishQuota(config.mqttKioskQuota().ratePerSecond(), config.mqttKioskQuota().burst(),
                audit, clock);
        KioskQuotaInterceptor quotaInterceptor = new KioskQuotaInterceptor(quota);
        java.util.Optional<InProcessIntake> inProcess = config.mqttIntake() == BrokerConfig.MqttIntake.IN_PROCESS
                ? java.util.Optional.of(new InProcessIntake(quotaInterceptor,
                        new PubackAcks(config.mqttPubackStoreAck()))) : java.util.Optional.empty();
        MqttAuthenticator authenticator = new MqttAuthenticator(kiosks, pki.issuing().certificate(), audit, clock,
                inProcess.map(InProcessIntake::pubackAcks).orElse(PubackAcks.off()));
        SecurityExtension extension = new SecurityExtension(authenticator, new KioskTopicAuthorizer(audit, clock),
                quotaInterceptor, inProcess);
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(data)
                .withExtensionsFolder(extensions)
                .withoutLoggingBootstrap()
                .withEmbeddedExtension(EmbeddedExtension.builder()
                        .withId("telekiosk-security")
                        .withName("Telekiosk security")
                        .withVersion("1")
                        .withPriority(1000)
                        .withStartPriority(1000)
                        .withExtensionMain(extension)
                        .build())
                .build();
        HiveMqTls.use(config.mqttTlsProvider()); // before the start: HiveMQ makes its listener's context then
        MqttTlsRefusals tlsRefusals = MqttTlsRefusals.install(port);
        try {
            hivemq.start().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            tlsRefusals.uninstall();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the embedded MQTT broker", e);
        } catch (TimeoutException e) {
            tlsRefusals.uninstall();
            throw new IOException("the embedded MQTT broker did not start on port " + port + " within "
                    + START_TIMEOUT_SECONDS + " s", e);
        } catch (ExecutionException e) {
            tlsRefusals.uninstall();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IOException("the embedded MQTT broker did not start on port " + port + ": " + cause, e);
        }
        LOG.info("Embedded MQTT broker listening on {}:{} (TLS); kiosk publishes taken {}", config.mqttBindAddress(),
                port, inProcess.isPresent() ? "in process, acknowledged after the commit (mqtt.intake=in-process)"
                        : "through the shared subscription (mqtt.intake=subscription)");
        return new EmbeddedMqttBroker(hivemq, authenticator, port, extension, quota, tlsRefusals);
    }

    /**
     * Drops the connection of the client {@code kiosk} (its client id), if any, with reason 0x87 "not authorized"
     * (MQTT 5 §3.14.2.1): used when a kiosk is revoked. Does not block.
     */
    public void disconnect(KioskId kiosk) {
        ClientService clients = extension.clients;
        if (clients == null) {
            return;
        }
        clients.disconnectClient(kiosk.value(), false, MqttReasons.disconnect(REVOKED), REVOKED.detail())
                .whenComplete((done, failure) -> {
                    if (failure != null) {
                        LOG.warn("Could not disconnect revoked kiosk {}: {}", kiosk, failure.toString());
                    } else if (Boolean.TRUE.equals(done)) {
                        LOG.info("Disconnected kiosk {} (revoked)", kiosk);
                    }
                });
    }

    /**
     * Forgets everything the MQTT broker holds for the revoked {@code kiosk}: its publish quota's bucket and its audit
     * window ({@link #kioskState}), drops its connection (reason 0x87),
     * removes its session with its subscriptions and queued messages ({@link ClientService#invalidateSession}), and
     * removes the retained messages of its downlink (the store acknowledgement, {@link Topics#acks}), so that a kiosk
     * enrolled again under the same id starts with no session (CONNACK Session Present 0) and hears nothing meant for
     * its former enrollment. Idempotent (a kiosk without a session is fine); does not block.
     *
     * @return completes when HiveMQ has done all three; failures are logged, never thrown
     */
    public CompletableFuture<Void> revoked(KioskId kiosk) {
        quota.forget(kiosk);
        extension.authorizer.forget(kiosk);
        ClientService clients = extension.clients;
        RetainedMessageStore retained = extension.retained;
        if (clients == null || retained == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> unretained = retained.remove(Topics.acks(kiosk)).handle((done, failure) -> {
            if (failure != null) {
                LOG.warn("Could not remove the retained store acknowledgement of revoked kiosk {}: {}", kiosk,
                        failure.toString());
            }
            return null;
        });
        CompletableFuture<Void> forgotten = clients
                .disconnectClient(kiosk.value(), true, MqttReasons.disconnect(REVOKED), REVOKED.detail())
                .handle((connected, failure) -> clients.invalidateSession(kiosk.value()))
                .thenCompose(invalidated -> invalidated)
                .handle((wasConnected, failure) -> {
                    Throwable cause = failure instanceof CompletionException c && c.getCause() != null
                            ? c.getCause() : failure;
                    if (cause instanceof NoSuchClientIdException) {
                        LOG.debug("Revoked kiosk {} has no MQTT session", kiosk);
                    } else if (cause != null) {
                        LOG.warn("Could not remove the MQTT session of revoked kiosk {}: {}", kiosk, cause.toString());
                    } else {
                        LOG.info("Removed the MQTT session of revoked kiosk {}", kiosk);
                    }
                    return null;
                });
        return CompletableFuture.allOf(unretained, forgotten);
    }

    /**
     * {@link #revoked}, waiting at most {@code REVOKE_TIMEOUT_SECONDS} for HiveMQ, so that a kiosk enrolled again right
     * after its revocation cannot meet its former session. Blocking: never on an event loop or a HiveMQ thread.
     */
    @Override
    public void revokedAndWait(KioskId kiosk) {
        try {
            revoked(kiosk).get(REVOKE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Removing the MQTT session of revoked kiosk {} did not finish: {}", kiosk, e.toString());
        }
    }

    @Override
    public int port() {
        return port;
    }

    /**
     * What this broker keeps per kiosk in memory besides HiveMQ's own sessions: the publish quota's buckets and the
     * topic authorizer's audit windows, for the node's sweep ({@link PerKioskState}). HiveMQ keeps the sessions (and
     * their queues) of revoked kiosks until {@link #revoked}, of others as long as the kiosk asked (MQTT 5 session
     * expiry).
     */
    @Override
    public List<PerKioskState> kioskState() {
        return List.of(quota, extension.authorizer);
    }

    /**
     * With {@code mqtt.intake=in-process}, the interceptor that takes the kiosks' publishes inside HiveMQ
     * ({@link InProcessIntake}); empty with the shared subscription.
     */
    @Override
    public java.util.Optional<InProcessIntake> inProcessIntake() {
        return extension.inProcess;
    }

    /** Connection attempts refused by the authenticator since start. */
    @Override
    public long refusedConnections() {
        return authenticator.refusedCount();
    }

    /** TLS connections to the MQTT listener that failed, by reason, since start ({@link MqttTlsRefusals}). */
    @Override
    public MqttTlsRefusals tlsRefusals() {
        return tlsRefusals;
    }

    /**
     * Kiosk publishes HiveMQ routed to the broker's shared subscription since start: past the kiosk's quota and
     * authorized (its own measurements, status and commands topics, QoS 1, not retained). Unlike {@link
     * #incomingPublishes} it counts neither the publishes refused with 0x97 or 0x87 nor the broker's own (the store
     * acknowledgements): what the intake connections should receive ({@link BrokerMqttClient#watchForStalls}).
     * Counted by the authorizer, which HiveMQ calls after the quota's interceptor. Never blocks.
     */
    @Override
    public long kioskPublishesRouted() {
        return extension.authorizer.authorizedCount();
    }

    /** PUBLISH packets HiveMQ received from clients since start. */
    @Override
    public long incomingPublishes() {
        var counter = hivemq.getMetricRegistry().getCounters().get("com.hivemq.messages.incoming.publish.count");
        return counter == null ? 0 : counter.getCount();
    }

    /** Whether {@code kiosk} has an MQTT connection now. Never blocks. */
    @Override
    public boolean isConnected(KioskId kiosk) {
        return extension.connected.isConnected(kiosk.value());
    }

    /** The kiosks with an MQTT connection now (not the broker nodes' own clients). Never blocks. */
    @Override
    public java.util.Set<KioskId> connectedKiosks() {
        java.util.Set<KioskId> kiosks = new java.util.HashSet<>();
        for (String clientId : extension.connected.clientIds()) {
            if (!clientId.startsWith(MqttAuthenticator.BROKER_CLIENT_PREFIX)) {
                try {
                    kiosks.add(KioskId.of(clientId));
                } catch (IllegalArgumentException notAKiosk) {
                    // Only kiosks and broker nodes are let in; anything else is no kiosk.
                }
            }
        }
        return kiosks;
    }

    /** Authenticated MQTT clients connected now (kiosks and the broker's own subscriber). Never blocks. */
    @Override
    public int connectedClients() {
        return extension.connected.count();
    }

    /** Publishes of {@code kiosk} refused over its quota (PUBACK 0x97) since start. Never blocks. */
    @Override
    public long overQuota(KioskId kiosk) {
        return quota.refused(kiosk);
    }

    /** Publishes of all kiosks refused over their quota (PUBACK 0x97) since start. Never blocks. */
    @Override
    public long overQuotaTotal() {
        return quota.refusedTotal();
    }

    /**
     * QoS 1/2 messages HiveMQ discarded (for instance for a full client queue); must stay 0. HiveMQ's counter also
     * counts every publish whose delivery an interceptor of ours prevented ("Extension prevented onward delivery"):
     * those refused over the quota (answered 0x97) and those the in-process intake answered; they are not discarded
     * messages and are taken out. (Counted when answered, by HiveMQ a moment later: the difference is never below 0.)
     */
    @Override
    public long droppedMessages() {
        var counter = hivemq.getMetricRegistry().getCounters().get("com.hivemq.messages.dropped.count");
        long dropped = counter == null ? 0 : counter.getCount();
        long prevented = quota.refusedTotal() + extension.inProcess.map(InProcessIntake::preventedCount).orElse(0L);
        return Math.max(0, dropped - prevented);
    }

    @Override
    public void close() {
        tlsRefusals.uninstall();
        try {
            hivemq.stop().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            hivemq.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("The embedded MQTT broker did not stop cleanly: {}", e.getMessage());
        }
    }

    /** Registers the authenticator, authorizer, quota and in-process intake at HiveMQ's start; keeps its services. */
    private static final class SecurityExtension implements ExtensionMain {
        private final MqttAuthenticator authenticator;
        private final KioskTopicAuthorizer authorizer;
        private final KioskQuotaInterceptor quota;
        private final java.util.Optional<InProcessIntake> inProcess;
        private final ConnectedClients connected;
        private volatile ClientService clients;
        private volatile RetainedMessageStore retained;

        SecurityExtension(MqttAuthenticator authenticator, KioskTopicAuthorizer authorizer,
                KioskQuotaInterceptor quota, java.util.Optional<InProcessIntake> inProcess) {
            this.authenticator = authenticator;
            this.authorizer = authorizer;
            this.quota = quota;
            this.inProcess = inProcess;
            this.connected = new ConnectedClients(inProcess.map(InProcessIntake::pubackAcks).orElse(PubackAcks.off()));
        }

        @Override
        public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
            Services.securityRegistry().setAuthenticatorProvider(providerInput -> authenticator);
            Services.securityRegistry().setAuthorizerProvider(providerInput -> authorizer);
            Services.eventRegistry().setClientLifecycleEventListener(providerInput -> connected);
            // One interceptor per kiosk: HiveMQ runs each interceptor of each publish as a task of its own on its
            // extension threads and hands the publish back to the event loop after the last, so the in-process intake
            // checks the quota itself (a publish over it answered 0x97 first, as by the quota's interceptor). None for
            // the broker nodes' own clients (neither has anything to do for them): their publishes, the store
            // acknowledgements, then go from the event loop straight to the authorizer. The interceptor is made for
            // the connection and knows its kiosk (and the kiosk's topics), so no publish parses the client id again;
            // it lives with HiveMQ's context of the connection (the initializer runs for every connection).
            Services.initializerRegistry().setClientInitializer((initializerInput, clientContext) ->
                    MqttAuthenticator.kioskOf(initializerInput.getClientInformation().getClientId()).ifPresent(
                            kiosk -> clientContext.addPublishInboundInterceptor(inProcess.isPresent()
                                    ? inProcess.get().forKiosk(kiosk) : quota.forKiosk(kiosk))));
            clients = Services.clientService();
            retained = Services.retainedMessageStore();
        }

        @Override
        public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
            // Nothing to release: the authenticator holds no resources.
        }
    }
}
