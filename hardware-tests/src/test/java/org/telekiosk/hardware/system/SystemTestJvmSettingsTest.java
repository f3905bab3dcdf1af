package org.telekiosk.hardware.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.hivemq.configuration.service.InternalConfigurations;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.testing.HiveMqTestSettings;
import org.telekiosk.broker.testing.KeyStoreTestSettings;

/**
 * The brokers this module's tests start in their own JVM get the broker module's test settings: HiveMQ's 4
 * persistence buckets and 200 ms shutdown grace ({@link HiveMqTestSettings}), PKCS#12 key stores with 1 PBKDF2
 * iteration ({@link KeyStoreTestSettings}), both registered in this module's {@code META-INF/services}. Broker and
 * agent processes
 * ({@link BrokerProcess}, {@link AgentProcess}) are JVMs of their own and keep production's settings.
 */
class SystemTestJvmSettingsTest {
    @Test
    void hiveMqsPersistenceSettingsAndTheKeyStoreIterationsAreTheTests() {
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
