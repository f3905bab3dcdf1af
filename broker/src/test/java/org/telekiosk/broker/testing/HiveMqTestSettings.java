package org.telekiosk.broker.testing;

import com.hivemq.configuration.service.InternalConfigurations;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Two settings of the embedded HiveMQ for the test JVMs of the broker module and of hardware-tests, made once before
 * any test starts a broker. Registered through {@code META-INF/services} (JUnit Platform's
 * {@link LauncherSessionListener} service) in each of the two modules (the broker's service file stays out of its
 * test-jar, hardware-tests has its own), so every broker a test starts in the test JVM, through {@link BrokerExtension}
 * or {@code Broker.start}, gets them. Both are HiveMQ's internal static configuration ({@code InternalConfigurations}),
 * read when a HiveMQ instance starts: one value for the whole JVM, so they are set here and nowhere else (a benchmark
 * that measures production's HiveMQ calls {@link #useHiveMqDefaults()} first). The broker in production keeps
 * HiveMQ's defaults, and so does every broker process a system test starts (a JVM of its own): this class is in the
 * test sources only. The third fixed wait of a test broker's stop, the 2 s Netty quiet period HiveMQ hard-codes in
 * its shutdown hook, no setting reaches: {@link HiveMqNettyStop} replaces that hook in each broker a test starts, where
 * this class is in force ({@link #inForce}).
 *
 * <ul>
 *   <li><b>The persistence shutdown grace period: 200 ms</b> (HiveMQ's default 2,000). HiveMQ CE (2025.5) delays the
 *       close of each of its persistences by this period plus 50 ms, to let tasks enqueued just before the shutdown
 *       finish ({@code ProducerQueuesImpl.shutdown}): a fixed wait in every stop. The persistence hook is HiveMQ's
 *       last shutdown step: by then its listeners, connections and event loops are closed and the extensions stopped,
 *       so nothing is left to enqueue. 200 ms is what HiveMQ's own tests use ({@code SingleWriterServiceImplTest}).</li>
 *   <li><b>The persistence bucket count: {@value #TEST_BUCKETS}</b> (HiveMQ's default 64). With file persistence
 *       each of HiveMQ's stores (client sessions, subscriptions, queued messages, retained messages) is split into
 *       this many buckets by client id, each a database environment of its own (Xodus or RocksDB) with its files and
 *       threads, all opened at every start and closed at every stop: the larger part of an embedded HiveMQ's start
 *       and stop on a fresh data directory (docs/benchmarks.md, "Build: where the test time goes", 2026-12-06
 *       branch {@code ci17}). The buckets spread many clients over the single-writer threads; a test has a few
 *       clients. What is kept per client, and how, does not change; HiveMQ's own persistence tests run with 4. A data
 *       directory must always be opened with the bucket count it was made with (a client's bucket is its id's hash
 *       modulo the count): every broker of a test JVM gets the same count, and no test opens a data directory made
 *       by a broker process of the production jar (hardware-tests' restart tests restart broker processes, which keep
 *       HiveMQ's 64 throughout).</li>
 * </ul>
 */
public final class HiveMqTestSettings implements LauncherSessionListener {
    /**
     * {@code -Dtelekiosk.test.production-settings=true}: the test JVM keeps HiveMQ's and the JDK's defaults (this
     * class, {@link KeyStoreTestSettings}), to compare the test settings with production's or to rule them out as a failure's
     * cause.
     */
    public static final String PRODUCTION_SETTINGS = "telekiosk.test.production-settings";
    /** Milliseconds; HiveMQ's default is 2,000. */
    public static final int TEST_GRACE_MILLIS = 200;
    /** HiveMQ's default is 64. */
    public static final int TEST_BUCKETS = 4;
    private static final int HIVEMQ_GRACE_MILLIS = 2000;
    private static final int HIVEMQ_BUCKETS = 64;
    private static volatile boolean inForce;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (!Boolean.getBoolean(PRODUCTION_SETTINGS)) {
            set(TEST_GRACE_MILLIS, TEST_BUCKETS);
            inForce = true;
        }
    }

    /**
     * Whether the test JVM's brokers get the test settings: this listener ran (it is registered in the module's
     * {@code META-INF/services}), without {@code -Dtelekiosk.test.production-settings=true}, and no benchmark asked for
     * HiveMQ's defaults since. {@link HiveMqNettyStop} acts only then.
     */
    public static boolean inForce() {
        return inForce;
    }

    /**
     * HiveMQ CE 2025.5's defaults again, for a benchmark that measures production's HiveMQ in a test JVM
     * ({@code LoadBenchmarkTest}); call it before the JVM's first broker starts (a data directory keeps the bucket
     * count it was made with). Brokers started after it keep HiveMQ's own Netty shutdown hook ({@link HiveMqNettyStop}).
     */
    public static void useHiveMqDefaults() {
        set(HIVEMQ_GRACE_MILLIS, HIVEMQ_BUCKETS);
        inForce = false;
    }

    private static void set(int graceMillis, int buckets) {
        InternalConfigurations.PERSISTENCE_SHUTDOWN_GRACE_PERIOD_MSEC.set(graceMillis);
        InternalConfigurations.PERSISTENCE_BUCKET_COUNT.set(buckets);
        InternalConfigurations.PAYLOAD_PERSISTENCE_BUCKET_COUNT.set(buckets);
    }
}
