package org.telekiosk.hardware.system;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.telekiosk.agent.config.AgentConfig;
import org.telekiosk.agent.config.AgentConfigLoader;
import org.telekiosk.agent.enrollment.Enroller;
import org.telekiosk.broker.audit.AuditActor;
import org.telekiosk.broker.testing.BrokerExtension;
import org.telekiosk.protocol.KioskId;

/**
 * Provisions a kiosk against a test broker as a technician does: a one-time token from the broker, then the agent's
 * own enrollment ({@code edge-agent enroll}) into {@code dir}, then the test's extra configuration lines.
 */
public final class KioskProvisioning {
    private KioskProvisioning() {}

    /**
     * @param extraLines further {@code key=value} lines of the agent's configuration (schedules, sensors)
     */
    public static AgentConfig provision(BrokerExtension broker, KioskId kiosk, Path dir, String... extraLines)
            throws Exception {
        String token = broker.broker().enrollment().createToken(kiosk, "System test " + kiosk, AuditActor.system())
                .line();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = new Enroller(Clock.systemUTC(), new SecureRandom(), new PrintStream(printed, true,
                StandardCharsets.UTF_8)).enroll(brokerUrl(broker), token, dir);
        if (exit != Enroller.OK) {
            throw new IllegalStateException("enrollment failed: " + printed.toString(StandardCharsets.UTF_8));
        }
        List<String> lines = new ArrayList<>(List.of("mqtt.reconnect.min=100ms", "data.dir=agent-data"));
        lines.addAll(List.of(extraLines));
        Path config = dir.resolve("agent.properties");
        Files.writeString(config, String.join("\n", lines) + "\n", StandardOpenOption.APPEND);
        return AgentConfigLoader.load(config);
    }

    static URI brokerUrl(BrokerExtension broker) {
        return URI.create("https://localhost:" + broker.broker().httpsPort());
    }
}
