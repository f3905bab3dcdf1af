package org.telekiosk.hardware.system;

import org.junit.jupiter.api.Test;
import org.telekiosk.broker.testing.TestJvmSettingsTest;

/**
 * The brokers this module's tests start in their own JVM get the broker module's test settings: HiveMQ's 4
 * persistence buckets and 200 ms shutdown grace ({@code HiveMqTestSettings}), PKCS#12 key stores with 1 PBKDF2
 * iteration ({@code KeyStoreTestSettings}), both registered in this module's {@code META-INF/services}; and, because
 * {@code HiveMqTestSettings} is in force, {@code BrokerExtension} (the broker's test-jar) gives each broker it starts
 * {@code HiveMqNettyStop}'s event loop stop without HiveMQ's 2 s quiet period (the broker module's
 * {@code TestJvmSettingsTest} checks that on a started broker), as {@code RawMqttBroker} (the raw ceiling's bare
 * embedded HiveMQ) gives its HiveMQ ({@code LoadGeneratorSmokeTest} checks that). Broker and agent processes ({@link BrokerProcess},
 * {@link AgentProcess}) are JVMs of their own and keep production's settings.
 */
class SystemTestJvmSettingsTest {
    @Test
    void hiveMqsPersistenceSettingsAndTheKeyStoreIterationsAreTheTests() {
        TestJvmSettingsTest.assertInForce();
    }
}
