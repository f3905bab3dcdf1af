package org.telekiosk.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telekiosk.protocol.cli.ExitCodes;
import picocli.CommandLine;

/**
 * The broker's command line ends with the exit codes of README "Exit codes": a configuration error with 78
 * ({@code EX_CONFIG}), before anything is started or written, and a message that names the key or the file.
 */
class BrokerMainExitCodesTest {
    @TempDir
    Path dir;

    record Run(int code, String err) {}

    Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine command = BrokerMain.commandLine();
        command.setErr(new PrintWriter(err, true));
        return new Run(command.execute(args), err.toString());
    }

    @Test
    void anUnknownKeyInTheConfigurationFileEndsServeWith78AndNamesTheKey() throws Exception {
        Path config = Files.writeString(dir.resolve("broker.properties"), "data.dir=" + dir.resolve("data")
                + "\nhttps.prot=8443\n");
        Run run = run("serve", "--config", config.toString(), "--port", "0", "--mqtt-port", "0", "--metrics-port", "0");
        assertEquals(ExitCodes.CONFIG, run.code(), run.err());
        assertTrue(run.err().contains("Configuration error") && run.err().contains("https.prot"), run.err());
        assertTrue(Files.notExists(dir.resolve("data")), "nothing was started or written");
    }

    @Test
    void aValueOutOfRangeEndsWith78() throws Exception {
        Path config = Files.writeString(dir.resolve("broker.properties"), "api.max-concurrent-hashes=0\n");
        Run run = run("kiosks", "--config", config.toString(), "--data-dir", dir.resolve("data").toString());
        assertEquals(ExitCodes.CONFIG, run.code(), run.err());
        assertTrue(run.err().contains("api.max-concurrent-hashes"), run.err());
    }

    @Test
    void aBadAbuseLimitEndsServeWith78BeforeAnythingStarts() throws Exception {
        Path config = Files.writeString(dir.resolve("broker.properties"), "data.dir=" + dir.resolve("data")
                + "\nhttps.request-deadline=20\n");
        Run run = run("serve", "--config", config.toString(), "--port", "0", "--mqtt-port", "0", "--metrics-port", "0");
        assertEquals(ExitCodes.CONFIG, run.code(), run.err());
        assertTrue(run.err().contains("https.request-deadline"), run.err());
        assertTrue(Files.notExists(dir.resolve("data")), "nothing was started or written");
    }

    @Test
    void aConfigurationFileThatCannotBeReadEndsWith78AndNamesTheFile() {
        Path missing = dir.resolve("missing.properties");
        Run run = run("serve", "--config", missing.toString(), "--port", "0", "--mqtt-port", "0");
        assertEquals(ExitCodes.CONFIG, run.code(), run.err());
        assertTrue(run.err().contains(missing.toString()), run.err());
    }

    @Test
    void aFailureThatIsNoConfigurationErrorStillEndsWith1() throws Exception {
        // The data directory is a file: the configuration is valid, the start fails.
        Path notADirectory = Files.writeString(dir.resolve("data"), "");
        Run run = run("kiosks", "--data-dir", notADirectory.toString());
        assertEquals(ExitCodes.FAILED, run.code(), run.err());
    }
}
