package org.telekiosk.hardware.load;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.telekiosk.broker.testing.HiveMqTestSettings;
import org.telekiosk.broker.testing.KeyStoreTestSettings;

/**
 * Not a check but the way to run {@link LoadBenchmark} with Maven's test classpath (the dependency plugin does not
 * resolve offline here): opt-in with {@code -Dload.kiosks=N}; {@code -Dload.seconds} (60), {@code -Dload.rate}
 * (readings/s per kiosk, 3; a comma-separated list runs one step per rate), {@code -Dload.intake=N} for the
 * broker's {@code mqtt.intake-connections} (its default otherwise), {@code -Dload.intake-mode=in-process} (or
 * {@code subscription}) for its {@code mqtt.intake}, {@code -Dload.raw=no} to leave out the raw ceiling,
 * {@code -Dload.client=netty|agent} for the generator's kiosks' MQTT client (netty by default: {@link LoadGenerator}),
 * {@code -Dload.transport=auto|nio|epoll} for the generator's event loops (auto: Netty's native epoll where it loads),
 * {@code -Dload.broker.cpus=0 -Dload.generator.cpus=1} for the broker and the generator on cores of their own,
 * {@code -Dload.jfr=<file>} for a
 * flight recording (profile settings, or the {@code .jfc} file {@code -Dload.jfr.settings=<file>} names) of the broker's JVM, {@code -Dload.config.<key>=<value>} for any other broker
 * setting. The generator's JVM options: environment variable
 * {@code LOADGEN_JAVA_OPTS}; {@code -Dload.generator.jfr=<file>} records the generator's JVM as {@code -Dload.jfr} the
 * broker's (profile settings, or the {@code .jfc} file {@code -Dload.generator.jfr.settings=<file>} names; the raw
 * phase's generator writes {@code <file>} with {@code -raw} before its extension). The figures are printed;
 * docs/benchmarks.md has the command and one run's figures.
 *
 * <p>The broker runs in this JVM, whose test settings (HiveMQ's persistence buckets and shutdown grace, PKCS#12
 * iteration counts: {@link HiveMqTestSettings}, {@link KeyStoreTestSettings}) are set back to HiveMQ's and the JDK's
 * defaults first, so that the figures are production's.
 */
@EnabledIfSystemProperty(named = "load.kiosks", matches = "\\d+")
class LoadBenchmarkTest {
    @Test
    void runsTheLoadBenchmark() throws Exception {
        HiveMqTestSettings.useHiveMqDefaults();
        KeyStoreTestSettings.useJdkDefaults();
        int kiosks = Integer.getInteger("load.kiosks");
        int seconds = Integer.getInteger("load.seconds", 60);
        String rate = System.getProperty("load.rate", "3");
        boolean raw = !"no".equals(System.getProperty("load.raw"));
        String jfr = System.getProperty("load.jfr", "");
        Recording recording = null;
        if (!jfr.isBlank()) {
            String settings = System.getProperty("load.jfr.settings", "");
            recording = new Recording(settings.isBlank()
                    ? Configuration.getConfiguration("profile")
                    : Configuration.create(Path.of(settings)));
            recording.setDestination(Path.of(jfr));
            recording.start();
        }
        try {
            LoadBenchmark.Outcome outcome = LoadBenchmark.run(kiosks, seconds, rate, raw,
                    Files.createTempDirectory("telekiosk-load"), null);
            assertFalse(outcome.telekiosk().isEmpty(), "the generator printed its result");
        } finally {
            if (recording != null) {
                recording.stop();
                recording.close();
            }
        }
    }
}
