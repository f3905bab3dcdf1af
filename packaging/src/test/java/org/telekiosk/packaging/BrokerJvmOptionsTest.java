package org.telekiosk.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The broker's JVM options as {@code /etc/telekiosk/broker.env} sets them for {@code telekiosk-broker.service}, on
 * this JDK: the JVM starts without a warning (a misspelt or retired option is ignored with one, or stops the start)
 * and holds the limits docs/operations.md ("The broker's memory") chose from the measurements of issue 16
 * (docs/benchmarks.md: 10,000 kiosks connected, 20,000 signaling sockets).
 */
class BrokerJvmOptionsTest {
    private static final Path ENV = Packages.source("broker/files/etc/telekiosk/broker.env");

    @Test
    void theBrokersJvmOptionsStartAJvmWithTheLimitsTheOperationsGuideNames() throws IOException {
        String line = Files.readAllLines(ENV).stream().filter(l -> l.startsWith("JAVA_OPTS=\"")).findFirst()
                .orElseThrow();
        String options = line.substring("JAVA_OPTS=\"".length(), line.length() - 1);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(options.split(" ")));
        command.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
        Packages.Result result = Packages.exec(command, Map.of());
        assertEquals(0, result.exitCode(), result.output());
        String stderr = result.output().substring(result.stdout().length());
        assertFalse(stderr.toLowerCase(Locale.ROOT).contains("warning"), stderr);
        Map<String, String> flags = new HashMap<>();
        for (String flag : result.stdout().lines().toList()) {
            String[] words = flag.trim().split("\\s+");
            if (words.length >= 4 && words[2].equals("=")) {
                flags.put(words[1], words[3]);
            }
        }
        assertEquals("true", flags.get("UseG1GC"));
        assertEquals("true", flags.get("ExitOnOutOfMemoryError"));
        assertEquals(String.valueOf(1536L << 20), flags.get("MaxHeapSize"));
        assertEquals(String.valueOf(256L << 20), flags.get("MaxDirectMemorySize"));
    }
}
