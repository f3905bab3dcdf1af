package org.telekiosk.broker.testing;

import java.util.List;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * PKCS#12 key stores that the test JVMs write are protected with {@value #TEST_ITERATIONS} PBKDF2 iteration instead
 * of the JDK's 10,000, for the key, the certificates and the integrity MAC. A broker's start writes and reads some
 * fifteen key stores (its CA, issuing CA, server and service identities, the MQTT listener's stores, which HiveMQ then
 * loads): their key derivation was 14-22 % of a test broker start's CPU (docs/benchmarks.md, "Build: where the test
 * time goes", branches {@code ci17} and {@code ci18}). No test's subject is that cost.
 *
 * <p>These are the JDK's own system properties ({@code keystore.pkcs12.*IterationCount}, read by
 * {@code PKCS12KeyStore} each time it writes a store; a store read keeps the counts written into its file). Set once
 * here, before any test, in the test JVMs only: registered through {@code META-INF/services} (JUnit Platform's
 * {@link LauncherSessionListener} service) in the broker module and in hardware-tests. The broker's code is unchanged:
 * in production, and in every broker or agent process a system test starts (a JVM of its own, without these
 * properties), key stores keep the JDK's parameters. {@code -Dtelekiosk.test.production-settings=true} leaves them
 * out ({@link HiveMqTestSettings#PRODUCTION_SETTINGS}).
 */
public final class KeyStoreTestSettings implements LauncherSessionListener {
    /** The JDK's default is 10,000; it accepts 1 to 5,000,000. */
    public static final int TEST_ITERATIONS = 1;
    public static final List<String> PROPERTIES = List.of("keystore.pkcs12.keyPbeIterationCount",
            "keystore.pkcs12.certPbeIterationCount", "keystore.pkcs12.macIterationCount");

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (!Boolean.getBoolean(HiveMqTestSettings.PRODUCTION_SETTINGS)) {
            PROPERTIES.forEach(name -> System.setProperty(name, Integer.toString(TEST_ITERATIONS)));
        }
    }

    /** The JDK's defaults again (for a benchmark that measures production's parameters). */
    public static void useJdkDefaults() {
        PROPERTIES.forEach(System::clearProperty);
    }
}
