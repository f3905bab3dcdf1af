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
    private static final ExtensionContext.Namespace SHARED = ExtensionContext.Namespace.create(BrokerExtension.class);

    private final Map<String, String> overrides;
    private final Clock clock;
    private final boolean shared;
    private Path dataDir;
    private Broker broker;
    private DataDirStep prepare = dir -> { };
    private Runnable afterStop = () -> { };

    /** Something done to the fresh data directory before the broker starts in it. */
    @FunctionalInterface
    public interface DataDirStep {
        void apply(Path dataDir) throws Exception;
    }

    /**
     * Runs {@code step} on the fresh data directory before the broker starts (e.g. copy another node's {@code pki/});
     * it may abort the class with an assumption.
     */
    public BrokerExtension preparing(DataDirStep step) {
        this.prepare = step;
        return this;
    }

    /** Runs {@code step} after the broker stopped (e.g. drop a database schema it used). */
    public BrokerExtension afterStop(Runnable step) {
        this.afterStop = step;
        return this;
    }

    public BrokerExtension() {
        this(Map.of());
    }

    /** With configuration keys of {@code broker-defaults.properties} set for this broker. */
    public BrokerExtension(Map<String, String> overrides) {
        this(overrides, Clock.systemUTC());
    }

    /** With configuration keys set, and {@code clock} for the broker's services (enrollment, expiry). */
    public BrokerExtension(Map<String, String> overrides, Clock clock) {
        this(overrides, clock, false);
    }

    private BrokerExtension(Map<String, String> overrides, Clock clock, boolean shared) {
        this.overrides = overrides;
        this.clock = clock;
        this.shared = shared;
    }

    /**
     * One broker with the default configuration for every test class of the test JVM that registers this extension:
     * started by the first such class, closed when the JVM's run ends (the broker module runs two test JVMs for the
     * classes outside its browser package and then one for the browser classes, so up to three),
     * so that each class does not pay a broker's start and HiveMQ's stop (several seconds each). Only for classes that leave nothing another could trip over: their own
     * kiosk ids and accounts, and no broker-wide figure asserted that another class's traffic could change.
     *
     * <p>Not for classes that check what the embedded HiveMQ delivers to a kiosk. The shared broker's HiveMQ lives
     * while other classes start and stop embedded HiveMQ instances in the same JVM, and then it was seen to lose a
     * retained QoS 0 store acknowledgement the broker's client had handed over, and once to deliver a payload without
     * a sequence number on a kiosk's measurements topic (refused {@code unknown-type}): RetainedStoreAckIntegrationTest
     * failed 3 of 3 runs together with eight other integration classes on the shared broker and passed with a broker
     * of its own in the same combination (2026-12-05). One HiveMQ per JVM, as in production, never showed it.
     *
     * <p>Who shares (REST, WebSockets and TLS only, no MQTT delivery checked): HttpHardeningIntegrationTest (its MQTT
     * case checks a TLS renegotiation and a CONNACK only), ConsultationEndIntegrationTest, CrlDistributionPointTest,
     * PreCheckCameraBrowserTest, and since 2026-12-06 HealthzDocumentedTest and DefaultOriginsTest (each a test case
     * of under half a second behind 14 s of a broker's own start and stop at load 18), and TestJvmSettingsTest (reads
     * its HiveMQ's shutdown hooks).
     * Who must not, and has a broker of its own since 2026-12-05: every class that checks what reaches a kiosk, the
     * store or a viewer over MQTT (acknowledgements, readings, commands), among them RetainedStoreAckIntegrationTest,
     * ForgedPublishIntegrationTest and the hardware-tests system classes KioskToViewerSystemTest,
     * AllSensorsSystemTest, FhirExportSystemTest and ReEnrollmentSystemTest; EnrollmentSystemTest (REST only) too,
     * because it was the last sharer of its module and sharing alone saves nothing.
     */
    public static BrokerExtension shared() {
        return new BrokerExtension(Map.of(), Clock.systemUTC(), true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (shared) {
            Started started = context.getRoot().getStore(SHARED).getOrComputeIfAbsent(Started.class, key -> {
                BrokerExtension own = new BrokerExtension(overrides, clock, false);
                try {
                    own.start();
                } catch (Exception e) {
                    throw new IllegalStateException("the shared test broker did not start", e);
                }
                return new Started(own);
            }, Started.class);
            broker = started.extension().broker;
            dataDir = started.extension().dataDir;
            return;
        }
        start();
    }

    /** The shared broker, closed by JUnit when the root context closes (the end of the run). */
    private record Started(BrokerExtension extension) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() throws Exception {
            extension.stop();
        }
    }

    private void start() throws Exception {
        dataDir = Files.createTempDirectory("telekiosk-broker-test");
        java.util.Map<String, String> config = new java.util.HashMap<>(Map.of(
                "data.dir", dataDir.toString(),
                "https.bind", "127.0.0.1", "https.port", "0",
                "mqtt.bind", "127.0.0.1", "mqtt.port", "0", "metrics.port", "0"));
        config.putAll(overrides);
        prepare.apply(dataDir);
        BrokerConfig brokerConfig = BrokerConfigLoader.load(Optional.empty(), config);
        broker = HiveMqNettyStop.apply(Broker.start(brokerConfig, clock, Map.of()));
        // Usually ready when start returns: checked at once, then often (Awaitility's default first check comes
        // after 100 ms, at every start of some 70 brokers a build).
        Awaitility.await("broker subscribed to measurements").atMost(Duration.ofSeconds(30))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).until(broker::isReady);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (!shared) {
            stop();
        }
    }

    private void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
        afterStop.run();
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

    public URI signalSocket() {
        return URI.create("wss://localhost:" + broker.httpsPort() + "/ws/signal");
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
