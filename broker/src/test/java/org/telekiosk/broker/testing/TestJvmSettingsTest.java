package org.telekiosk.broker.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.configuration.service.InternalConfigurations;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.server.Broker;

/**
 * The test JVM's settings for the brokers its tests start ({@link HiveMqTestSettings}, {@link KeyStoreTestSettings},
 * {@link HiveMqNettyStop}) are in force. hardware-tests runs the same checks in its JVM ({@code SystemTestJvmSettingsTest}).
 */
public class TestJvmSettingsTest {
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
