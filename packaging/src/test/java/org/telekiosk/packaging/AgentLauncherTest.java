package org.telekiosk.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@code /usr/bin/telekiosk-edge-agent} starts the JVM. Native access for Pi4J's FFM provider comes from the jar's
 * manifest, not from {@code --enable-native-access} on the command line: the JDK's class data archive was made without
 * that option, and with it the JVM drops the archive's module graph (docs/benchmarks.md, "The agent's memory").
 */
class AgentLauncherTest {
    private static final Path LAUNCHER = Packages.source("edge-agent/files/usr/bin/telekiosk-edge-agent");

    @Test
    void startsTheJarWithTheUnitsOptionsAndNothingElse(@TempDir Path dir) throws IOException {
        Path java = dir.resolve("java");
        Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Packages.Result result = Packages.exec(List.of("sh", LAUNCHER.toString(), "run", "--config", "a.properties"),
                Map.of("TELEKIOSK_JAVA", java.toString(), "JAVA_OPTS", "-Xmx48m -XX:+UseSerialGC"));
        assertEquals(0, result.exitCode(), result.output());
        assertEquals(List.of("-Xmx48m", "-XX:+UseSerialGC", "-jar",
                "/usr/share/telekiosk-edge-agent/telekiosk-edge-agent.jar", "run", "--config", "a.properties"),
                result.stdout().lines().toList());
    }

    @Test
    void theAgentsJarAllowsNativeAccessInItsManifest(@TempDir Path dir) throws IOException {
        assumeTrue(Packages.installed("dpkg-deb"), "dpkg-deb reads the packages (Debian's dpkg)");
        Path jar = Packages.extract(Packages.AGENT, dir)
                .resolve("usr/share/telekiosk-edge-agent/telekiosk-edge-agent.jar");
        try (JarFile file = new JarFile(jar.toFile())) {
            assertEquals("ALL-UNNAMED", file.getManifest().getMainAttributes().getValue("Enable-Native-Access"));
        }
    }
}
