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
class KioskCommandsTest {
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    record Run(int exit, String out) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        CommandLine command = new CommandLine(new BrokerMain());
        command.setOut(new PrintWriter(out, true));
        int exit = command.execute(args);
        return new Run(exit, out.toString());
    }

    @Test
    void aTokenFromTheCommandLineEnrollsAtOnceAndARevocationFromItDropsTheKioskWithinTenSeconds() throws Exception {
        String dataDir = BROKER.dataDir().toString();
        Run created = cli("enrollment-token", "--data-dir", dataDir, "--kiosk", "cli-kiosk-a", "--label", "CLI lab");
        assertEquals(0, created.exit(), created.out());
        String token = created.out().lines().filter(l -> l.startsWith("tk1.")).findFirst().orElseThrow();

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
