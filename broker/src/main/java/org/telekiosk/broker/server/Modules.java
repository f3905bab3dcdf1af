package org.telekiosk.broker.server;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executors;
import org.telekiosk.broker.config.BrokerConfig;
import org.telekiosk.broker.metrics.BrokerMetrics;
import org.telekiosk.broker.metrics.MetricsEndpoint;
import org.telekiosk.broker.mqtt.BrokerMqttClient;
import org.telekiosk.broker.mqtt.EmbeddedMqttBroker;
import org.telekiosk.broker.mqtt.ExternalMqttBroker;
import org.telekiosk.broker.mqtt.KioskMqttBroker;
import org.telekiosk.broker.pki.KeystorePassword;
import org.telekiosk.broker.pki.SecureFiles;

/**
 * The wiring of a running broker: one module per feature, each given what the ones before it provide, started in
 * order (storage, access, the embedded MQTT broker and the broker's client to it, telemetry, kiosk trust, commands,
 * signaling, metrics, HTTPS). Every module that must be closed is added to the {@link Lifecycle} as it starts;
 * {@link Broker} owns that lifecycle and closes it.
 */
record Modules(KioskTrust.Keys keys, Storage storage, AccessServices access, KioskMqttBroker mqtt,
        BrokerMqttClient client, Telemetry telemetry, KioskStateSweep sweep, KioskTrust trust, Commands commands,
        Signaling signaling, MetricsEndpoint metrics, Https https) {

    /**
     * Starts every module, adding each to {@code parts} as it starts. Blocking (key generation, disk, the embedded
     * MQTT broker's start); returns once every listener is up. On a failure the caller closes {@code parts}.
     */
    static Modules start(BrokerConfig config, Clock clock, Map<String, String> environment, Lifecycle parts)
            throws IOException, GeneralSecurityException, InterruptedException {
        Path data = SecureFiles.ownerOnlyDirectory(config.dataDir().toAbsolutePath());
        SecureRandom random = new SecureRandom();
        KeystorePassword password = KeystorePassword.fromEnvironment(environment,
                data.resolve("pki").resolve("keystore.password"), random);
        boolean external = config.externalMqtt().enabled();
        int mqttPort = external ? config.externalMqtt().port()
                : config.mqttPort() != 0 ? config.mqttPort() : FreePort.pick(config.mqttBindAddress());
        int httpsPort = config.httpsPort() != 0 ? config.httpsPort() : FreePort.pick(config.httpsBindAddress());
        parts.lap("ports");
        Storage storage = parts.add(Storage.open(config, environment, clock));
        // The HTTPS port first: every certificate the PKI issues names the CRL's address (https.public-url).
        KioskTrust.Keys keys = KioskTrust.Keys.open(config, data, password, random, clock, storage, httpsPort);
        parts.lap("Keys");
        // A kiosk page session ends with its kiosk: the registry's version is polled every REGISTRY_POLL.
        AccessServices access = parts.add(Access.start(config, storage, data, random, clock, keys::inService))
                .services();
        // With an external MQTT broker shared by the nodes (mqtt.external-host) the node starts none of its own.
        KioskMqttBroker mqtt = parts.add(external
                ? new ExternalMqttBroker(config.externalMqtt().host(), config.externalMqtt().port())
                : EmbeddedMqttBroker.start(config, mqttPort, keys.pki(), KioskTrust.hostNames(config),
                        keys.registry(), storage.audit(), clock));
        var intakeClients = Telemetry.clients(config, mqttPort, keys.pki(), data, random);
        BrokerMqttClient client = parts.add(intakeClients.getFirst());
        Telemetry telemetry = parts.add(new Telemetry(storage.store(), intakeClients,
                Telemetry.relayClient(config, keys.pki(), data, random), keys.registry(), access.calls(),
                config.mqttMaxPayloadBytes()));
        // One sweep over what the parts keep per kiosk in memory; a revocation forgets the kiosk in all of them.
        KioskStateSweep sweep = parts.add(KioskStateSweep.over(keys.registry()).addAll(mqtt.kioskState())
                .addAll(telemetry.kioskState(config.access().accessWindow())));
        KioskTrust trust = parts.add(KioskTrust.start(config, keys, mqtt, storage, access.sessions(),
                telemetry.statuses(), sweep, httpsPort, data, random, clock));
        sweep.start();
        var apiExecutor = parts.add(Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("api-", 0).factory()));
        Commands commands = parts.add(Commands.start(access.consultations(), storage.sql(), client,
                storage.audit(), telemetry::commandChanged, apiExecutor, clock));
        // The stall watch compares the kiosk publishes HiveMQ authorized with what the intake connections received: with
        // the in-process intake those connections get the kiosks' Wills only, which HiveMQ authorizes at CONNECT and
        // routes at the disconnect, so the two counts do not match and the watch stays off (on the embedded broker a
        // kiosk's presence comes from its connection, not its Will).
        boolean inProcess = mqtt.inProcessIntake().isPresent();
        telemetry.start(config, commands::report, external || inProcess ? java.util.Optional.empty()
                : java.util.Optional.of(mqtt::kioskPublishesRouted), storage.audit(), clock, trust.announced()::take,
                mqtt.inProcessIntake());
        parts.lap("intake start");
        // Stops (in reverse) before the commands, kiosk trust and the store it hands messages to (Telemetry#intakeStop).
        parts.add(telemetry.intakeStop());
        Signaling signaling = parts.add(Signaling.start(config, access, clock, environment,
                telemetry.statuses()::latest, storage.database(), trust.presence().node()));
        MetricsEndpoint metrics = parts.add(MetricsEndpoint.start(config.metrics(), new BrokerMetrics.Sources(
                telemetry.intake(), storage.store(), mqtt, client, telemetry.hub(), telemetry.statuses(),
                signaling.service(), telemetry::acksPublished, access.logins(), access.codes(),
                access.purge().consultations(), telemetry::intakeStallRestarts,
                telemetry::revokedKioskMessagesDropped, telemetry::subscriptionsRefused)));
        Https https = parts.add(Https.start(config, httpsPort, new Https.Parts(keys, trust, access, telemetry,
                commands, signaling, storage, mqtt, client, apiExecutor), clock));
        metrics.metrics().tlsHandshakes(https.tlsRefusals());
        metrics.metrics().kioskState(sweep.kioskCountSuppliers());
        return new Modules(keys, storage, access, mqtt, client, telemetry, sweep, trust, commands, signaling,
                metrics, https);
    }
}
