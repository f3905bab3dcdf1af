package org.telekiosk.broker.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.hivemq.configuration.service.InternalConfigurations;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The test JVM's settings for the brokers its tests start ({@link HiveMqTestSettings}, {@link KeyStoreTestSettings})
 * are in force. hardware-tests runs the same check in its JVM ({@code SystemTestJvmSettingsTest}).
 */
public class TestJvmSettingsTest {

    @Test
    void hiveMqsPersistenceSettingsAndTheKeyStoreIterationsAreTheTests() {
        assertInForce();
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
    }
}
