package org.telekiosk.hardware.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a check but the way to run {@link SocketBenchmark} with Maven's test classpath: opt-in with
 * {@code -Dsockets.steps=1000,5000} (cumulative consultations), {@code -Dsockets.patients=yes} for the patient's
 * socket beside each doctor's (two sockets a consultation), {@code -Dsockets.relays=N} (500) chat round trips at the
 * end; {@code -Dsockets.kind=viewer} for the doctors' vitals sockets instead of signaling ones;
 * {@code -Dsockets.tls=openssl} for the broker's {@code https.tls-provider}; {@code -Dsockets.rest=S} measures the
 * broker's CPU over S seconds of rest after the last step. The broker runs in a JVM of its own
 * (so that this one's test engine is not in its figures) with Native Memory Tracking and the packaged unit's heap options ({@code -Xmx1536m -XX:MaxDirectMemorySize=256m -XX:+UseG1GC}, broker.env; environment variable
 * {@code SOCKETS_BROKER_JAVA_OPTS} replaces them), the sockets in another ({@code SOCKETLOAD_JAVA_OPTS}, default
 * {@code -Xmx1g}). Command and figures: docs/benchmarks.md, issue 16.
 */
@EnabledIfSystemProperty(named = "sockets.steps", matches = "[\\d,]+")
class SocketBenchmarkTest {
    @Test
    void runsTheSocketBenchmark() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:NativeMemoryTracking=summary");
        String options = System.getenv("SOCKETS_BROKER_JAVA_OPTS");
        command.addAll(List.of((options == null || options.isBlank()
                ? "-Xmx1536m -XX:MaxDirectMemorySize=256m -XX:+UseG1GC" : options.trim()).split("\\s+")));
        String classpath = classpath();
        // For runs without Maven: java -cp "$(cat hardware-tests/target/load-classpath.txt)" ...
        Files.writeString(Path.of("target", "load-classpath.txt"), classpath);
        command.addAll(List.of("-cp", classpath, SocketBenchmark.class.getName(),
                System.getProperty("sockets.steps"), System.getProperty("sockets.patients", "no"),
                System.getProperty("sockets.relays", "500"),
                Files.createTempDirectory("telekiosk-sockets").toString(), System.getProperty("sockets.kind", "signal"),
                System.getProperty("sockets.tls", "jdk"), System.getProperty("sockets.rest", "0")));
        // Not inheritIO: a child writing to this JVM's standard output corrupts Surefire's channel (its lines end up
        // in a .dumpstream file); echoed here, they reach the console.
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            out.lines().forEach(System.out::println);
        }
        assertEquals(0, process.waitFor(), "the socket benchmark's exit status");
    }

    /** This JVM's class path, the entries of Surefire's manifest-only jar spelled out. */
    static String classpath() throws java.io.IOException {
        String path = System.getProperty("java.class.path");
        if (path.contains(java.io.File.pathSeparator) || !path.endsWith(".jar")) {
            return path;
        }
        Path jar = Path.of(path).toAbsolutePath();
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
            String entries = file.getManifest() == null ? null
                    : file.getManifest().getMainAttributes().getValue("Class-Path");
            if (entries == null) {
                return path;
            }
            List<String> paths = new ArrayList<>();
            for (String entry : entries.split(" ")) {
                if (!entry.isBlank()) {
                    paths.add(Path.of(jar.getParent().toUri().resolve(entry)).toString());
                }
            }
            return String.join(java.io.File.pathSeparator, paths);
        }
    }
}
