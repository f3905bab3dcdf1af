package org.telekiosk.broker.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.telekiosk.broker.kiosk.KioskRegistry;
import org.telekiosk.broker.kiosk.Revocations;
import org.telekiosk.broker.mosquitto.MosquittoConfig;
import org.telekiosk.broker.pki.BrokerPki;
import org.telekiosk.broker.pki.Certificates;
import org.telekiosk.broker.pki.KeystorePassword;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.MosquittoProcess;
import org.telekiosk.broker.testing.PostgresSchema;
import org.telekiosk.broker.testing.TestRegistry;

/**
 * Broker nodes of one test class on one PostgreSQL schema and one external Mosquitto, set up as docs/scale-out.md has
 * the operator do it: node A's CA is made before A starts (as the first node makes it), Mosquitto is configured from
 * it with {@code mosquitto-config}'s files (mutual TLS with the nodes' CA, the generated ACLs) on a free port and
 * started; further nodes copy A's CA ({@link TwoNodesIntegrationTest#startNode}). Mosquitto stops and the schema is
 * dropped after node A stops.
 */
final class ExternalMosquittoNodes {
    private final PostgresSchema schema = new PostgresSchema();
    private final int mqttPort;
    private volatile MosquittoProcess mosquitto;

    ExternalMosquittoNodes() {
        try {
            mqttPort = FreePort.pick("127.0.0.1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    PostgresSchema schema() {
        return schema;
    }

    int mqttPort() {
        return mqttPort;
    }

    /** Every node's configuration: the shared schema, the external Mosquitto, one intake connection. */
    Map<String, String> config() {
        return Map.of("store.url", schema.url(), "store.user", PostgresSchema.USER,
                "mqtt.external-host", "localhost", "mqtt.external-port", Integer.toString(mqttPort),
                "mqtt.intake-connections", "1");
    }

    /** Node A's extension: creates the schema, the CA and Mosquitto before A starts; stops them after. */
    BrokerExtension nodeA() {
        return new BrokerExtension(config())
                .preparing(dir -> {
                    schema.create();
                    SecureRandom random = new SecureRandom();
                    Clock clock = Clock.systemUTC();
                    Path pki = dir.resolve("pki");
                    BrokerPki keys = BrokerPki.open(pki, KeystorePassword.resolve(null,
                            pki.resolve("keystore.password"), random), List.of("localhost"), new Certificates(random),
                            clock);
                    Path mosquittoDir = Files.createTempDirectory("telekiosk-mosquitto");
                    // A CRL for Mosquitto to start with (no kiosk revoked); node A publishes its own when it starts.
                    KioskRegistry registry = TestRegistry.open(
                            Files.createDirectories(mosquittoDir.resolve("registry")));
                    new Revocations(registry, keys.issuing(), keys.crlFile(), clock, kiosk -> { }).publish();
                    Path conf = MosquittoConfig.write(keys, mosquittoDir.resolve("conf"), new MosquittoConfig.Listener(
                            List.of("localhost"), "127.0.0.1", mqttPort, System.getProperty("user.name")),
                            clock.instant());
                    mosquitto = MosquittoProcess.start(conf, mqttPort, mosquittoDir.resolve("mosquitto.log"));
                })
                .afterStop(() -> {
                    try {
                        MosquittoProcess running = mosquitto;
                        if (running != null) {
                            running.close();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    schema.drop();
                });
    }
}
