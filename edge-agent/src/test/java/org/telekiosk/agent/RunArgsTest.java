package org.telekiosk.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.protocol.cli.ExitCodes;
import picocli.CommandLine;

/** {@code run}'s arguments read without picocli: the same command as picocli makes, or none (picocli reads them). */
class RunArgsTest {

    private static AgentMain.Run byPicocli(String... args) {
        CommandLine.ParseResult result = new CommandLine(new AgentMain()).parseArgs(args);
        return (AgentMain.Run) result.subcommand().commandSpec().userObject();
    }

    private static void assertSame(AgentMain.Run expected, AgentMain.Run actual) {
        assertNotNull(actual);
        assertEquals(expected.config, actual.config);
        assertEquals(expected.simulate, actual.simulate);
        assertEquals(expected.bodyTemperature, actual.bodyTemperature);
        assertEquals(expected.weight, actual.weight);
        assertEquals(expected.spo2, actual.spo2);
        assertEquals(expected.heartRate, actual.heartRate);
        assertEquals(expected.bloodPressure, actual.bloodPressure);
    }

    @Test
    void readsEveryPlainFormOfRunAsPicocliDoes() {
        for (String[] args : List.of(
                new String[] {"run", "--config", "/var/lib/telekiosk/edge-agent/agent.properties"},
                new String[] {"run", "--config=/etc/a.properties"},
                new String[] {"run", "--simulate", "--config", "a.properties"},
                new String[] {"run", "--config", "a.properties", "--simulate", "--sim-body-temperature", "38.5",
                    "--sim-weight=80.5", "--sim-spo2", "91", "--sim-heart-rate", "110",
                    "--sim-blood-pressure", "150/95"})) {
            assertSame(byPicocli(args), RunArgs.parse(args));
        }
    }

    @Test
    void leavesHelpErrorsAndOtherCommandsToPicocli() {
        for (String[] args : List.of(
                new String[] {},
                new String[] {"enroll", "--broker", "https://b:8443", "--token", "-"},
                new String[] {"kiosk-page-url", "--config", "a.properties"},
                new String[] {"run"},
                new String[] {"run", "--help"},
                new String[] {"run", "-h"},
                new String[] {"run", "-V", "--config", "a"},
                new String[] {"run", "--simulate"},
                new String[] {"run", "--config"},
                new String[] {"run", "--config", "--simulate"},
                new String[] {"run", "--config", "a", "--config", "b"},
                new String[] {"run", "--config", "a", "--simulate", "--simulate"},
                new String[] {"run", "--config", "a", "--simulate=true"},
                new String[] {"run", "--config", "a", "--sim-weight", "heavy"},
                new String[] {"run", "--config", "a", "--sim-spo2", "-5"},
                new String[] {"run", "--config", "a", "--unknown", "1"},
                new String[] {"run", "--config", "a", "extra"})) {
            assertNull(RunArgs.parse(args), String.join(" ", args));
        }
    }

    @Test
    void runLoadsNoPicocliClass(@TempDir Path dir) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-verbose:class", "-Xshare:off", "-cp",
                System.getProperty("java.class.path"), AgentMain.class.getName(), "run", "--config",
                dir.resolve("missing.properties").toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(ExitCodes.CONFIG, process.exitValue(), output);
        assertTrue(output.contains("Configuration error"), output);
        assertTrue(output.contains(AgentMain.class.getName() + " "), "-verbose:class lists the classes loaded");
        assertFalse(output.lines().anyMatch(line -> line.contains(" picocli.")),
                () -> output.lines().filter(line -> line.contains(" picocli.")).findFirst().orElse(""));
    }
}
