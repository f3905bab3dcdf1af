package org.telekiosk.hardware.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class CpuPinningTest {
    @Test
    void checksTheCpuList() {
        assertEquals("", CpuPinning.cpuList("load.broker.cpus", null));
        assertEquals("", CpuPinning.cpuList("load.broker.cpus", " "));
        assertEquals("0", CpuPinning.cpuList("load.broker.cpus", "0"));
        assertEquals("0-1,3", CpuPinning.cpuList("load.broker.cpus", "0-1,3"));
        var refused = assertThrows(IllegalArgumentException.class,
                () -> CpuPinning.cpuList("load.generator.cpus", "1; rm -rf /"));
        assertTrue(refused.getMessage().contains("load.generator.cpus=1; rm -rf /"), refused.getMessage());
    }

    @Test
    void prefixesTasksetOnlyWhenPinned() {
        assertEquals(List.of(), CpuPinning.commandPrefix(""));
        assertEquals(List.of("taskset", "-c", "1"), CpuPinning.commandPrefix("1"));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void pinsEveryThreadOfAProcess() throws Exception {
        Process child = new ProcessBuilder("sleep", "60").start();
        try {
            CpuPinning.pin(child.pid(), "0");
            assertEquals("0", allowedCpus(child.pid()));
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void saysWhyTasksetRefused() throws Exception {
        Process child = new ProcessBuilder("sleep", "60").start();
        try {
            // No machine here has a CPU numbered 4095: taskset refuses and says so.
            var refused = assertThrows(IOException.class, () -> CpuPinning.pin(child.pid(), "4095"));
            assertTrue(refused.getMessage().contains("taskset -a -p -c 4095"), refused.getMessage());
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    private static String allowedCpus(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(line -> line.startsWith("Cpus_allowed_list:"))
                .map(line -> line.substring(line.indexOf(':') + 1).strip())
                .findFirst().orElseThrow();
    }
}
