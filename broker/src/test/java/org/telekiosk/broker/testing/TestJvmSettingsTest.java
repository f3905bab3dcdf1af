package org.telekiosk.broker.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.configuration.service.InternalConfigurations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.server.Broker;

/**
 * The test JVM's settings for the brokers its tests start ({@link HiveMqTestSettings}, {@link KeyStoreTestSettings},
 * {@link HiveMqNettyStop}) are in force, and every place in this module's test sources that starts a broker itself
 * (not through {@link BrokerExtension}) applies {@link HiveMqNettyStop} too. hardware-tests runs the first checks in
 * its JVM ({@code SystemTestJvmSettingsTest}).
 */
public class TestJvmSettingsTest {
    /** This module's test sources (Surefire runs in the module's directory). */
    private static final Path TEST_SOURCES = Path.of("src/test/java");
    private static final Pattern STARTS = Pattern.compile("\\bBroker\\.start\\(");
    private static final Pattern APPLIES = Pattern.compile("\\bHiveMqNettyStop\\.apply\\(");
    /** Sources that start a broker and must keep HiveMQ's own stop, with the reason. */
    private static final Map<String, String> EXEMPT = Map.of(
            "org/telekiosk/broker/browser/AdmitToFirstFrameBenchmark.java",
            "a benchmark's main, run in a JVM of its own where the test settings are not registered");

    /** Shares the JVM's broker: it only reads that broker's HiveMQ shutdown hooks. */
    @RegisterExtension
    static final BrokerExtension BROKER = BrokerExtension.shared();

    @Test
    void hiveMqsPersistenceSettingsAndTheKeyStoreIterationsAreTheTests() {
        assertInForce();
    }

    @Test
    void aTestBrokersHiveMqStopsItsEventLoopsWithoutTheQuietPeriod() {
        assertInForce(BROKER.broker());
    }

    /**
     * A test that calls {@code Broker.start} itself (a node of the multi-node tests, a restart) stops that broker with
     * HiveMQ's 2 s Netty quiet period unless it applies {@link HiveMqNettyStop}: each such source applies it at least
     * as often as it starts a broker. A new place that starts brokers fails here, by name.
     */
    @Test
    void everyTestSourceThatStartsABrokerItselfAppliesTheNettyStop() throws IOException {
        Map<String, String> missing = new TreeMap<>();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(TEST_SOURCES)) {
            sources = files.filter(f -> f.toString().endsWith(".java")).toList();
        }
        int starting = 0;
        for (Path file : sources) {
            String name = TEST_SOURCES.relativize(file).toString().replace('\\', '/');
            String code = Files.readString(file);
            int starts = count(STARTS, code);
            if (starts == 0 || EXEMPT.containsKey(name)) {
                continue;
            }
            starting++;
            int applies = count(APPLIES, code);
            if (applies < starts) {
                missing.put(name, starts + " Broker.start, " + applies + " HiveMqNettyStop.apply");
            }
        }
        assertTrue(starting >= 5, "the test sources were found (" + TEST_SOURCES.toAbsolutePath() + "): " + starting);
        assertEquals(Map.of(), missing, "sources that start a broker without HiveMqNettyStop");
    }

    private static int count(Pattern pattern, String code) {
        int n = 0;
        for (Matcher m = pattern.matcher(code); m.find(); ) {
            n++;
        }
        return n;
    }

    /** The check itself, for every module whose test JVM registers the settings. */
    public static void assertInForce() {
        Assumptions.assumeFalse(Boolean.getBoolean(HiveMqTestSettings.PRODUCTION_SETTINGS), "production settings");
        assertEquals(HiveMqTestSettings.TEST_BUCKETS, InternalConfigurations.PERSISTENCE_BUCKET_COUNT.get());
        assertEquals(HiveMqTestSettings.TEST_BUCKETS, InternalConfigurations.PAYLOAD_PERSISTENCE_BUCKET_COUNT.get());
        assertEquals(HiveMqTestSettings.TEST_GRACE_MILLIS,
                InternalConfigurations.PERSISTENCE_SHUTDOWN_GRACE_PERIOD_MSEC.get());
        for (String name : KeyStoreTestSettings.PROPERTIES) {
            assertEquals(Integer.toString(KeyStoreTestSettings.TEST_ITERATIONS), System.getProperty(name), name);
        }
        assertTrue(HiveMqTestSettings.inForce(), "HiveMqTestSettings ran (its service registration)");
    }

    /**
     * {@link #assertInForce()}, and {@code broker} (started by {@link BrokerExtension}) will stop its embedded HiveMQ's
     * event loops with {@link HiveMqNettyStop}'s hook, not with HiveMQ's 2 s quiet period.
     */
    public static void assertInForce(Broker broker) {
        assertInForce();
        assertTrue(HiveMqNettyStop.isApplied(broker), "HiveMQ's NettyShutdownHook replaced by HiveMqNettyStop's");
    }
}
