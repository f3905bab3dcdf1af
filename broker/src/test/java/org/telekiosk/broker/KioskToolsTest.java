package org.telekiosk.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telekiosk.broker.BrokerMain;
import org.telekiosk.broker.audit.AuditAction;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.broker.testing.TestKiosk;
import org.telekiosk.protocol.KioskId;
import picocli.CommandLine;

/** The technician's command line against a running broker's data directory, as a second process would use it. */
class KioskToolsTest {
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    record Run(int exit, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new BrokerMain());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int exit = command.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void enrollmentTokenPrintsTheTokenAloneOnStandardOutputAndTheHintWithTheRealAddressOnStandardError() {
        Run created = cli("enrollment-token", "--data-dir", BROKER.dataDir().toString(), "--port", "9443",
                "--kiosk", "cli-kiosk-b", "--label", "CLI lab 2");
        assertEquals(0, created.exit(), created.out() + created.err());
        assertEquals(1, created.out().lines().count(), created.out());
        assertTrue(created.out().strip().matches("tk1\\.cli-kiosk-b\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"),
                created.out());
        assertTrue(created.err().contains("edge-agent enroll --broker https://localhost:9443 --token"),
                created.err());
        assertTrue(created.err().contains("cli-kiosk-b") && !created.err().contains("tk1."), created.err());
    }

    @Test
    void theBrokersLogsGoToStandardErrorNotToTheCommandsAnswer() {
        var context = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        var appenders = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
        int consoles = 0;
        while (appenders.hasNext()) {
            if (appenders.next() instanceof ch.qos.logback.core.ConsoleAppender<?> console) {
                assertEquals("System.err", console.getTarget());
                consoles++;
            }
        }
        assertEquals(1, consoles, "the console appender of logback.xml");
    }

    @Test
    void aTokenFromTheCommandLineEnrollsAtOnceAndARevocationFromItDropsTheKioskWithinTenSeconds() throws Exception {
        String dataDir = BROKER.dataDir().toString();
        Run created = cli("enrollment-token", "--data-dir", dataDir, "--kiosk", "cli-kiosk-a", "--label", "CLI lab");
        assertEquals(0, created.exit(), created.out());
        String token = created.out().strip();

        TestKiosk kiosk = TestKiosk.enroll(BROKER, KioskId.of("cli-kiosk-a"), token);
        MqttClient client = kiosk.connect(BROKER);
        Run listed = cli("kiosks", "--data-dir", dataDir);
        assertTrue(listed.out().contains("cli-kiosk-a") && listed.out().contains("CLI lab")
                && listed.out().contains("enrolled"), listed.out());

        Run revoked = cli("revoke", "--data-dir", dataDir, "--kiosk", "cli-kiosk-a");
        assertEquals(0, revoked.exit(), revoked.out());
        await().atMost(Duration.ofSeconds(10)).until(() -> !client.isConnected());
        assertThrows(MqttException.class, () -> kiosk.connect(BROKER));
        assertEquals(1, cli("revoke", "--data-dir", dataDir, "--kiosk", "cli-kiosk-a").exit(), "already revoked");
        assertTrue(BROKER.broker().audit().since(Instant.EPOCH).stream().anyMatch(e ->
                e.action() == AuditAction.KIOSK_REVOKED && e.actor().value().startsWith("cli:")));
        client.close(true);
    }
}
