package org.telekiosk.hardware.system;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.config.AgentConfigLoader;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.protocol.KioskId;

/** Provisions a kiosk against a test broker as the demo does: its secret (0600), the broker's CA, a config file. */
final class KioskProvisioning {
    private KioskProvisioning() {}

    /**
     * @param extraLines further {@code key=value} lines of the agent's configuration (schedules, sensors)
     */
    static AgentConfig provision(BrokerExtension broker, KioskId kiosk, Path dir, String... extraLines)
            throws Exception {
        String secret = broker.broker().kiosks().issue(kiosk);
        Path password = dir.resolve("mqtt.password");
        Files.createFile(password, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(password, secret, StandardCharsets.US_ASCII);
        Files.copy(broker.broker().pki().caPemFile(), dir.resolve("ca.pem"));
        List<String> lines = new ArrayList<>(List.of(
                "kiosk.id=" + kiosk.value(),
                "mqtt.uri=ssl://localhost:" + broker.broker().mqttPort(),
                "mqtt.ca-file=ca.pem",
                "mqtt.password-file=mqtt.password",
                "mqtt.reconnect.min=100ms",
                "data.dir=agent-data"));
        lines.addAll(List.of(extraLines));
        Path config = dir.resolve("agent.properties");
        Files.writeString(config, String.join("\n", lines) + "\n");
        return AgentConfigLoader.load(config);
    }
}
