package org.telekiosk.broker.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import com.hivemq.configuration.service.InternalConfigurations;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.telekiosk.broker.account.Argon2idParameters;
import org.telekiosk.broker.account.Password;
import org.telekiosk.broker.account.PasswordHasher;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.KeyStoreTestSettings;

/**
 * Not a test of the build: where a test broker's start and stop go (docs/benchmarks.md, "Build: where the test time
 * goes"). Starts and stops a broker as {@link BrokerExtension} does (default configuration, fresh data directory),
 * {@code -Dbench.cycles} times (5) in this JVM, and writes for each cycle: the extension's start (until ready) and
 * stop; the broker's own steps ({@link Lifecycle}'s "started in" and "stopped in" lines); HiveMQ's start, its
 * persistences' start and stop and each of its shutdown hooks (HiveMQ's own log lines and their timestamps); and the
 * garbage collections during the start (HiveMQ calls {@code System.gc()} once started). Then the cost of a production
 * Argon2id hasher and hash, which a broker's start and a login pay.
 *
 * <p>{@code -Dbench.buckets=N} sets HiveMQ's persistence bucket counts before the cycles (to compare);
 * {@code -Dbench.pkcs12-defaults=true} sets the JDK's PKCS#12 iteration counts back (the test JVM's are 1:
 * {@link KeyStoreTestSettings}); {@code -Dbench.jfr=<file>} records the cycles with JFR's profile settings.
 *
 * <p>Run: {@code mvn -o -q -B -ntp -pl broker test -Dtest=BrokerStartBenchmark -Dsurefire.failIfNoSpecifiedTests=false};
 * the figures go to {@code broker/target/broker-start.txt} (and standard output).
 */
class BrokerStartBenchmark {
    private static final List<String> TRACED = List.of("com.hivemq.embedded.internal.EmbeddedHiveMQImpl",
            "com.hivemq.persistence.PersistenceStartup", "com.hivemq.common.shutdown.ShutdownHooks");

    private final List<String> out = new ArrayList<>();

    @Test
    void startAndStop() throws Exception {
        int cycles = Integer.getInteger("bench.cycles", 5);
        Integer buckets = Integer.getInteger("bench.buckets");
        if (buckets != null) {
            InternalConfigurations.PERSISTENCE_BUCKET_COUNT.set(buckets);
            InternalConfigurations.PAYLOAD_PERSISTENCE_BUCKET_COUNT.set(buckets);
        }
        if (Boolean.getBoolean("bench.pkcs12-defaults")) {
            KeyStoreTestSettings.useJdkDefaults();
        }
        print("HiveMQ persistence buckets %d (payload %d), shutdown grace %d ms; PKCS#12 key PBE iterations %s",
                InternalConfigurations.PERSISTENCE_BUCKET_COUNT.get(),
                InternalConfigurations.PAYLOAD_PERSISTENCE_BUCKET_COUNT.get(),
                InternalConfigurations.PERSISTENCE_SHUTDOWN_GRACE_PERIOD_MSEC.get(),
                System.getProperty("keystore.pkcs12.keyPbeIterationCount", "10000 (the JDK's)"));
        String jfr = System.getProperty("bench.jfr");
        Recording recording = null;
        if (jfr != null) {
            recording = new Recording(Configuration.getConfiguration("profile"));
            recording.start();
        }
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(log);
        TRACED.forEach(name -> ((Logger) LoggerFactory.getLogger(name)).setLevel(Level.TRACE));
        try {
            for (int cycle = 1; cycle <= cycles; cycle++) {
                log.list.clear();
                BrokerExtension broker = new BrokerExtension();
                long gcBefore = gcMillis();
                long begin = System.nanoTime();
                broker.beforeAll(null); // a broker of its own: the context is not used
                long ready = System.nanoTime();
                long gcDuring = gcMillis() - gcBefore;
                List<ILoggingEvent> startEvents = List.copyOf(log.list);
                log.list.clear();
                broker.afterAll(null);
                long stopped = System.nanoTime();
                print("cycle %d: start %d ms (GC in it %d ms), stop %d ms", cycle, (ready - begin) / 1_000_000,
                        gcDuring, (stopped - ready) / 1_000_000);
                lines(startEvents, "started in", "Started EmbeddedHiveMQ", "Initialized persistences");
                lines(log.list, "stopped in", "Stopped EmbeddedHiveMQ");
                hooks(log.list);
            }
        } finally {
            if (recording != null) {
                recording.dump(Path.of(jfr));
                recording.close();
            }
            root.detachAppender(log);
            TRACED.forEach(name -> ((Logger) LoggerFactory.getLogger(name)).setLevel(null));
        }
        SecureRandom random = new SecureRandom();
        for (int i = 1; i <= 3; i++) {
            long begin = System.nanoTime();
            PasswordHasher hasher = new PasswordHasher(Argon2idParameters.PRODUCTION, random);
            long made = System.nanoTime();
            hasher.hash(Password.of("correct horse battery staple"));
            long hashed = System.nanoTime();
            print("production Argon2id: a new hasher %d ms, a hash %d ms", (made - begin) / 1_000_000,
                    (hashed - made) / 1_000_000);
        }
        Files.write(Path.of("target", "broker-start.txt"), out);
    }

    /** The messages of {@code events} that contain one of {@code needles}. */
    private void lines(List<ILoggingEvent> events, String... needles) {
        for (ILoggingEvent event : events) {
            String message = event.getFormattedMessage();
            for (String needle : needles) {
                if (message.contains(needle)) {
                    print("  %s", message);
                }
            }
        }
    }

    /** Each HiveMQ shutdown hook's time: from its "Running shutdown hook" line to the next hook's or the end. */
    private void hooks(List<ILoggingEvent> events) {
        List<ILoggingEvent> marks = events.stream().filter(e -> e.getFormattedMessage().startsWith("Running shutdown hook")
                || e.getFormattedMessage().startsWith("Shutdown completed")).toList();
        StringBuilder line = new StringBuilder("  HiveMQ shutdown hooks:");
        for (int i = 0; i + 1 < marks.size(); i++) {
            line.append(String.format(Locale.ROOT, " %s %d;",
                    marks.get(i).getFormattedMessage().substring("Running shutdown hook ".length()),
                    marks.get(i + 1).getTimeStamp() - marks.get(i).getTimeStamp()));
        }
        print("%s", line);
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    private void print(String format, Object... args) {
        String line = String.format(Locale.ROOT, format, args);
        out.add(line);
        System.out.println(line);
    }
}
