package org.telekiosk.broker.testing;

import com.hivemq.configuration.service.InternalConfigurations;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Shortens the embedded HiveMQ's persistence shutdown grace period in the broker module's test JVMs, once, before any
 * test starts a broker. Registered through {@code META-INF/services} (JUnit Platform's {@link LauncherSessionListener}
 * service), so every broker a test starts, through {@link BrokerExtension} or {@code Broker.start}, gets it.
 *
 * <p>HiveMQ CE (2025.5) delays the close of each of its persistences by this grace period plus 50 ms, to let tasks
 * enqueued just before the shutdown finish ({@code ProducerQueuesImpl.shutdown}); its default of 2,000 ms is a fixed
 * wait in every stop, about half of an embedded broker's stop time in a test (docs/benchmarks.md, "Build: where the
 * test time goes"). The persistence hook is HiveMQ's last shutdown step: by then its listeners, connections and
 * event loops are closed and the extensions stopped, so nothing is left to enqueue. 200 ms is what HiveMQ's own
 * tests use ({@code SingleWriterServiceImplTest}). The broker in production keeps HiveMQ's default: this class is in
 * the test sources only and is left out of the module's test-jar (broker/pom.xml).
 *
 * <p>The setting is HiveMQ's internal static configuration ({@code InternalConfigurations}), read when a HiveMQ
 * instance starts; one value for the whole JVM, so it is set here and nowhere else.
 */
public final class HiveMqShutdownGrace implements LauncherSessionListener {
    /** Milliseconds; HiveMQ's default is 2,000. */
    static final int TEST_GRACE_MILLIS = 200;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        InternalConfigurations.PERSISTENCE_SHUTDOWN_GRACE_PERIOD_MSEC.set(TEST_GRACE_MILLIS);
    }
}
