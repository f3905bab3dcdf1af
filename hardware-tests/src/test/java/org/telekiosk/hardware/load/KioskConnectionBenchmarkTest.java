package org.telekiosk.hardware.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a check but the way to run {@link KioskConnectionBenchmark} with Maven's test classpath: opt-in with
 * {@code -Dkiosks.steps=1000,5000,10000} (cumulative kiosks), {@code -Dkiosks.rest=60} (seconds of rest measured after
 * each step), {@code -Dkiosks.publish-every=300} (one QoS 1 spot reading per kiosk this often, seconds),
 * {@code -Dkiosks.keep-alive=0} (the agent's 60 s), {@code -Dkiosks.enroll=direct|api} (how the kiosks get their
 * certificates), {@code -Dkiosks.storm=yes} (at the end, every connection dropped at once and the reconnect storm
 * timed). The broker runs in a JVM of its own with Native Memory Tracking and the packaged unit's heap options
 * ({@code -Xmx1536m -XX:MaxDirectMemorySize=256m -XX:+UseG1GC}, broker.env; {@code KIOSKS_BROKER_JAVA_OPTS} replaces
 * them), the kiosks in another ({@code KIOSKLOAD_JAVA_OPTS}, default {@code -Xmx1g}). Command and figures:
 * docs/benchmarks.md, issue 16.
 */
@EnabledIfSystemProperty(named = "kiosks.steps", matches = "[\\d,]+")
class KioskConnectionBenchmarkTest {
    @Test
    void runsTheKioskConnectionBenchmark() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:NativeMemoryTracking=summary");
        String options = System.getenv("KIOSKS_BROKER_JAVA_OPTS");
        command.addAll(List.of((options == null || options.isBlank()
                ? "-Xmx1536m -XX:MaxDirectMemorySize=256m -XX:+UseG1GC" : options.trim()).split("\\s+")));
        String classpath = SocketBenchmarkTest.classpath();
        Files.writeString(Path.of("target", "load-classpath.txt"), classpath);
        command.addAll(List.of("-cp", classpath, KioskConnectionBenchmark.class.getName(),
                System.getProperty("kiosks.steps"), System.getProperty("kiosks.rest", "60"),
                System.getProperty("kiosks.publish-every", "300"),
                Files.createTempDirectory("telekiosk-kiosks").toString(), System.getProperty("kiosks.keep-alive", "0"),
                System.getProperty("kiosks.enroll", "direct"),
                "yes".equals(System.getProperty("kiosks.storm")) ? "storm" : "no"));
        // Not inheritIO: a child writing to this JVM's standard output corrupts Surefire's channel.
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            out.lines().forEach(System.out::println);
        }
        assertEquals(0, process.waitFor(), "the kiosk connection benchmark's exit status");
    }
}
