package org.telekiosk.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Map<String, String> flags = Packages.finalJvmFlags(options);
        assertEquals("true", flags.get("UseG1GC"));
        assertEquals("true", flags.get("ExitOnOutOfMemoryError"));
        assertEquals(String.valueOf(1536L << 20), flags.get("MaxHeapSize"));
        assertEquals(String.valueOf(256L << 20), flags.get("MaxDirectMemorySize"));
    }
}
