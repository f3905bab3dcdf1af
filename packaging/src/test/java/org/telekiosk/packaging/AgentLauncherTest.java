package org.telekiosk.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.lang.classfile.ClassFile;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@code /usr/bin/telekiosk-edge-agent} starts the JVM. Native access for Pi4J's FFM provider comes from the jar's
 * manifest, not from {@code --enable-native-access} on the command line: the JDK's class data archive was made without
 * that option, and with it the JVM drops the archive's module graph (docs/benchmarks.md, "The agent's memory").
 */
class AgentLauncherTest {
    private static final Path LAUNCHER = Packages.source("edge-agent/files/usr/bin/telekiosk-edge-agent");
    private static final Path UNIT = Packages.source(
            "edge-agent/files/usr/lib/systemd/system/telekiosk-edge-agent.service");

    /**
     * The unit's JVM options as the launcher passes them, on this JDK: the JVM starts without a warning (a misspelt or
     * retired option is ignored with one, or stops the start) and holds the heap and compiler that docs/benchmarks.md
     * measured (issue 18): a heap of 8 to 48 MiB whose old generation keeps 10 to 20 % free after a full collection,
     * a 3 MiB young generation, the serial collector, C1 only, a small table of interned strings. The archive options write into a temporary directory.
     */
    @Test
    void theUnitsJvmOptionsStartAJvmWithTheHeapAndCompilerTheyName(@TempDir Path dir) throws IOException {
        String line = Files.readAllLines(UNIT).stream().filter(l -> l.startsWith("Environment=\"JAVA_OPTS="))
                .findFirst().orElseThrow();
        String options = line.substring("Environment=\"JAVA_OPTS=".length(), line.length() - 1)
                .replace("/var/lib/telekiosk/edge-agent", dir.toString());
        Map<String, String> flags = Packages.finalJvmFlags(options);
        assertEquals("true", flags.get("UseSerialGC"));
        assertEquals(String.valueOf(8 << 20), flags.get("InitialHeapSize"));
        assertEquals(String.valueOf(48 << 20), flags.get("MaxHeapSize"));
        assertEquals(String.valueOf(3 << 20), flags.get("MaxNewSize"));
        assertEquals("10", flags.get("MinHeapFreeRatio"));
        assertEquals("20", flags.get("MaxHeapFreeRatio"));
        assertEquals("1", flags.get("TieredStopAtLevel"));
        assertEquals("4096", flags.get("StringTableSize"));
        assertTrue(flags.containsKey("TrimNativeHeapInterval"), "a JDK that trims the native heap");
    }

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

    private static final Pattern DESCRIPTOR_CLASS = Pattern.compile("L([\\w/$]+);");
    private static final Pattern DOTTED_CLASS = Pattern.compile("[\\w$]+(\\.[\\w$]+)*\\.[A-Z][\\w$]*");

    /**
     * The agent's jar holds only the Bouncy Castle packages its classes reach (edge-agent's pom.xml, issue 18): every
     * Bouncy Castle class named by a class the agent's own classes reach, directly or through others (constant pool
     * class entries and descriptors), is in the jar; class names in strings (as reflection uses them) are followed when
     * the jar holds them (a string may be a property name, as {@code org.bouncycastle.x509.CRLDP_protocols}).
     */
    @Test
    void everyBouncyCastleClassTheAgentReachesIsInItsJar(@TempDir Path dir) throws IOException {
        assumeTrue(Packages.installed("dpkg-deb"), "dpkg-deb reads the packages (Debian's dpkg)");
        Path jar = Packages.extract(Packages.AGENT, dir)
                .resolve("usr/share/telekiosk-edge-agent/telekiosk-edge-agent.jar");
        try (JarFile file = new JarFile(jar.toFile())) {
            Deque<String> todo = new ArrayDeque<>();
            file.stream().map(JarEntry::getName).filter(n -> n.startsWith("org/telekiosk/") && n.endsWith(".class"))
                    .map(n -> n.substring(0, n.length() - ".class".length())).forEach(todo::add);
            Set<String> seen = new HashSet<>();
            Set<String> named = new HashSet<>(); // only named in a string: followed if present, maybe not a class
            Set<String> missing = new TreeSet<>();
            int bouncyCastle = 0;
            while (!todo.isEmpty()) {
                String name = todo.pop();
                if (!seen.add(name)) {
                    continue;
                }
                JarEntry entry = file.getJarEntry(name + ".class");
                if (entry == null) {
                    if (name.startsWith("org/bouncycastle/") && !named.contains(name)) {
                        missing.add(name);
                    }
                    continue;
                }
                bouncyCastle += name.startsWith("org/bouncycastle/") ? 1 : 0;
                byte[] bytes;
                try (var in = file.getInputStream(entry)) {
                    bytes = in.readAllBytes();
                }
                for (PoolEntry constant : ClassFile.of().parse(bytes).constantPool()) {
                    if (constant instanceof ClassEntry c) {
                        String ref = c.asInternalName().replaceFirst("^\\[+L?", "").replaceFirst(";$", "");
                        named.remove(ref);
                        todo.add(ref);
                    } else if (constant instanceof Utf8Entry u) {
                        String text = u.stringValue();
                        Matcher m = DESCRIPTOR_CLASS.matcher(text);
                        while (m.find()) {
                            named.remove(m.group(1));
                            todo.add(m.group(1));
                        }
                        String dotted = text.replace('.', '/');
                        if (DOTTED_CLASS.matcher(text).matches() && !seen.contains(dotted)) {
                            named.add(dotted);
                            todo.add(dotted);
                        }
                    }
                }
            }
            assertTrue(bouncyCastle > 100, "the walk reaches Bouncy Castle (the CSR): " + bouncyCastle + " classes");
            assertEquals(Set.of(), missing, "Bouncy Castle classes the agent reaches but its jar leaves out");
        }
    }
}
