package org.telekiosk.broker.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.account.Sessions;
import org.telekiosk.broker.config.BrokerConfig;
import org.telekiosk.broker.enrollment.EnrollmentService;
import org.telekiosk.broker.enrollment.EnrollmentSettings;
import org.telekiosk.broker.enrollment.KioskAdministration;
import org.telekiosk.broker.kiosk.AgentVersions;
import org.telekiosk.broker.kiosk.AnnouncedPresence;
import org.telekiosk.broker.kiosk.KioskPresence;
import org.telekiosk.broker.kiosk.KioskRegistry;
import org.telekiosk.broker.kiosk.RegistryCa;
import org.telekiosk.broker.kiosk.Revocations;
import org.telekiosk.broker.kioskpage.KioskPageTokens;
import org.telekiosk.broker.mqtt.ClientIdFile;
import org.telekiosk.broker.mqtt.KioskMqttBroker;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.pki.CaPin;
import org.telekiosk.broker.pki.Certificates;
import org.telekiosk.broker.pki.KeystorePassword;
import org.telekiosk.broker.pki.ServerIdentity;
import org.telekiosk.broker.telemetry.KioskStatusBoard;
import org.telekiosk.protocol.KioskId;

/**
 * The kiosk trust module: revocations (the CRL published at start, the registry's version polled for other nodes' and
 * the command line's revocations), the kiosks' online state and last-seen times shared with the other nodes, enrollment and renewal, the technician's kiosk operations, and kiosk page tokens; their blocking work
 * runs under the REST API's concurrency cap (on its executor). The keys and the registry it works on are opened first ({@link Keys}):
 * the embedded MQTT broker needs them before this module can start.
 */
final class KioskTrust implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KioskTrust.class);
    /**
     * How often the registry's version is read (changes by other nodes and the command line: revocations reach this
     * node's connections within this period) and the kiosks' online state and last-seen times are shared.
     */
    static final Duration REGISTRY_POLL = Duration.ofSeconds(2);

    /**
     * The broker's PKI, the kiosk registry, and the HTTPS listener's identity (the PKI's server certificate, or an
     * operator's from {@code kiosk-pki.server-certificate-file}).
     */
    record Keys(BrokerPki pki, KioskRegistry registry, ServerIdentity https) {
        /**
         * Opens the PKI and the registry in {@code storage}'s database (importing a registry file of earlier
         * versions), and checks that the PKI's CA is the registry's ({@link RegistryCa}: a node with another CA
         * refuses to start). {@code httpsPort} is the HTTPS port the broker will listen on: the CRL's address in
         * issued certificates.
         */
        static Keys open(BrokerConfig config, Path data, KeystorePassword password, SecureRandom random, Clock clock,
                Storage storage, int httpsPort) throws IOException, GeneralSecurityException {
            BrokerPki pki = BrokerPki.open(data.resolve("pki"), password, hostNames(config),
                    new Certificates(random).withCrlDistributionPoint(
                            config.kioskPki().crlUrl(config.hostNames().getFirst(), httpsPort)), clock);
            RegistryCa.bind(storage.sql(), pki.caCertificate(), pki.issuing().certificate());
            KioskRegistry registry = KioskRegistry.open(storage.sql(), data.resolve("kiosks"), clock.instant());
            ServerIdentity https = config.kioskPki().serverCertificateFile().isPresent()
                    ? ServerIdentity.fromPem(config.kioskPki().serverCertificateFile().get(),
                            config.kioskPki().serverKeyFile().get())
                    : new ServerIdentity(pki.serverKey(), pki.serverChain());
            return new Keys(pki, registry, https);
        }

        /** Whether {@code kiosk} is enrolled and not revoked. */
        boolean inService(KioskId kiosk) {
            return registry.kiosk(kiosk).filter(k -> !k.revoked()).isPresent();
        }
    }

    private final Revocations revocations;
    private final EnrollmentService enrollment;
    private final KioskAdministration administration;
    private final KioskPageTokens pageTokens;
    private final KioskPresence presence;
    private final ScheduledExecutorService watcher;
    private final AgentVersions agentVersions;
    private final AnnouncedPresence announced;
    private final java.util.concurrent.ExecutorService announcedWriter;

    private KioskTrust(Revocations revocations, EnrollmentService enrollment, KioskAdministration administration,
            KioskPageTokens pageTokens, KioskPresence presence, AgentVersions agentVersions,
            ScheduledExecutorService watcher, AnnouncedPresence announced,
            java.util.concurrent.ExecutorService announcedWriter) {
        this.announced = announced;
        this.announcedWriter = announcedWriter;
        this.agentVersions = agentVersions;
        this.revocations = revocations;
        this.presence = presence;
        this.enrollment = enrollment;
        this.administration = administration;
        this.pageTokens = pageTokens;
        this.watcher = watcher;
    }

    static KioskTrust start(BrokerConfig config, Keys keys, KioskMqttBroker mqtt, Storage storage,
            Sessions sessions, KioskStatusBoard statuses, KioskStateSweep sweep, int httpsPort, Path data,
            SecureRandom random, Clock clock) throws IOException {
        // A revoked kiosk: its MQTT session and connection go, and whatever the node keeps of it in memory.
        Revocations revocations = new Revocations(keys.registry(), keys.pki().issuing(), keys.pki().crlFile(), clock,
                kiosk -> {
                    mqtt.revokedAndWait(kiosk);
                    sweep.forget(kiosk);
                });
        revocations.publish();
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("kiosk-registry-watch").daemon(true).factory());
        revocations.watch(watcher, REGISTRY_POLL);
        // The node's name is its MQTT client id: unique per data directory, stable across restarts.
        KioskPresence presence = new KioskPresence(storage.sql(), ClientIdFile.in(data, random),
                java.util.HexFormat.of().formatHex(CaPin.of(keys.https().pinnedCa())), clock, mqtt::isConnected,
                mqtt::connectedKiosks, config.externalMqtt().enabled());
        presence.start();
        // The kiosks' own online/offline announcements (their Will), written by whichever node takes them; they count
        // only with an external MQTT broker, whose connections no node sees (docs/scale-out.md).
        var announcedWriter = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().name("kiosk-presence").daemon(true).factory());
        AnnouncedPresence announced = new AnnouncedPresence(storage.sql(), announcedWriter, clock,
                keys.registry()::seen);
        watcher.scheduleWithFixedDelay(() -> {
            try {
                keys.registry().syncLastSeen();
                presence.sync();
            } catch (RuntimeException e) {
                LOG.warn("Sharing the kiosks' online state failed: {}", e.toString());
            }
        }, REGISTRY_POLL.toMillis(), REGISTRY_POLL.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        String publicHost = config.hostNames().getFirst();
        String hostPart = publicHost.contains(":") ? "[" + publicHost + "]" : publicHost;
        EnrollmentService enrollment = new EnrollmentService(keys.registry(), keys.pki().issuing(),
                CaPin.of(keys.https().pinnedCa()), storage.audit(), clock, random,
                new EnrollmentSettings(config.kioskPki().tokenLifetime(), config.kioskPki().certificateLifetime(),
                        "ssl://" + (mqtt.kioskHost().isEmpty() ? hostPart : mqtt.kioskHost().contains(":")
                                ? "[" + mqtt.kioskHost() + "]" : mqtt.kioskHost()) + ":" + mqtt.port(),
                        config.kioskPki().publicUrl(publicHost, httpsPort) + "/api/v1/renew"),
                revocations::publish);
        enrollment.numberReadingsFrom(kiosk -> storage.store().nextSeq(kiosk).join());
        AgentVersions agentVersions = new AgentVersions();
        sweep.add(agentVersions);
        KioskAdministration administration = new KioskAdministration(enrollment, keys.registry(), presence::online,
                statuses::latest, kiosk -> new KioskAdministration.Aside(storage.store().refusedCount(kiosk).join(),
                        storage.store().conflictCount(kiosk).join(), mqtt.overQuota(kiosk)), agentVersions::of);
        KioskPageTokens pageTokens = new KioskPageTokens(enrollment, sessions, storage.audit(), storage.sql(), random,
                clock);
        return new KioskTrust(revocations, enrollment, administration, pageTokens, presence, agentVersions, watcher,
                announced, announcedWriter);
    }

    static List<String> hostNames(BrokerConfig config) {
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

    Revocations revocations() {
        return revocations;
    }

    EnrollmentService enrollment() {
        return enrollment;
    }

    KioskAdministration administration() {
        return administration;
    }

    /** What each kiosk reported of its agent's version and updates. */
    AgentVersions agentVersions() {
        return agentVersions;
    }

    KioskPageTokens pageTokens() {
        return pageTokens;
    }

    KioskPresence presence() {
        return presence;
    }

    /** Where the intake hands the kiosks' {@code presence} messages. */
    AnnouncedPresence announced() {
        return announced;
    }

    /**
     * Stops this node's heartbeat and registry watch without unregistering the node: its row in {@code broker_node}
     * ages as a killed node's would (tests of a node's death, issue 17).
     */
    void halt() {
        watcher.shutdownNow();
        try {
            watcher.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the heartbeat and deletes this node's rows at once (a drain, issue 17): the other nodes count it gone now,
     * take over its signaling rooms and close what they relay to it, without waiting 15 s for its heartbeat to go
     * stale; its kiosks count as offline through it. Blocking. {@link #close} afterwards has nothing left to do here.
     */
    void unregister() {
        close();
    }

    @Override
    public void close() {
        halt();
        announcedWriter.shutdown();
        try {
            presence.close();
        } catch (RuntimeException e) {
            LOG.warn("Could not unregister this broker node: {}", e.toString());
        }
    }
}
