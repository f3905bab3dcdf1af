package org.telekiosk.broker.testing;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.telekiosk.broker.config.BrokerConfig;
import org.telekiosk.broker.config.BrokerConfigLoader;
import org.telekiosk.broker.pki.TrustStores;
import org.telekiosk.broker.server.Broker;

/**
 * Starts a real broker for a test class: HTTPS and embedded MQTT over TLS on free ports of 127.0.0.1, its own CA in
 * a temporary data directory, ready (measurement subscription active) before the first test. Register it as a
 * static field with {@code @RegisterExtension}.
 */
public final class BrokerExtension implements BeforeAllCallback, AfterAllCallback {
    private final Map<String, String> overrides;
    private final Clock clock;
    private Path dataDir;
    private Broker broker;

    public BrokerExtension() {
        this(Map.of());
    }

    /** With configuration keys of {@code broker-defaults.properties} set for this broker. */
    public BrokerExtension(Map<String, String> overrides) {
        this(overrides, Clock.systemUTC());
    }

    /** With configuration keys set, and {@code clock} for the broker's services (enrollment, expiry). */
    public BrokerExtension(Map<String, String> overrides, Clock clock) {
        this.overrides = overrides;
        this.clock = clock;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dataDir = Files.createTempDirectory("telekiosk-broker-test");
        java.util.Map<String, String> config = new java.util.HashMap<>(Map.of(
                "data.dir", dataDir.toString(),
                "https.bind", "127.0.0.1", "https.port", "0",
                "mqtt.bind", "127.0.0.1", "mqtt.port", "0"));
        config.putAll(overrides);
        BrokerConfig brokerConfig = BrokerConfigLoader.load(Optional.empty(), config);
        broker = Broker.start(brokerConfig, clock, Map.of());
        Awaitility.await("broker subscribed to measurements").atMost(Duration.ofSeconds(30))
                .until(broker::isReady);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (broker != null) {
            broker.close();
        }
        if (dataDir != null) {
            try (var files = Files.walk(dataDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    public Broker broker() {
        return broker;
    }

    public Path dataDir() {
        return dataDir;
    }

    public URI https(String path) {
        return URI.create("https://localhost:" + broker.httpsPort() + path);
    }

    public URI viewerSocket() {
        return URI.create("wss://localhost:" + broker.httpsPort() + "/ws/viewer");
    }

    /** The origin the broker's own pages have. */
    public String origin() {
        return "https://localhost:" + broker.httpsPort();
    }

    /** A TLS context that trusts this broker's CA and nothing else. */
    public SSLContext tls() {
        try {
            return TrustStores.trusting(broker.pki().caCertificate());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
