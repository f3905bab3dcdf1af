package org.telekiosk.broker.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentLauncherTest {
    @Test
    void theKioskRunsInsideTheNamespaceWhenTheDemoIsGivenOne() {
        Path jar = Path.of("/opt/telekiosk-edge-agent.jar");
        List<String> plain = new AgentLauncher(jar).runCommand(Path.of("agent.properties"));
        List<String> inside = new AgentLauncher(jar, List.of("ip", "netns", "exec", "tk-1-1"))
                .runCommand(Path.of("agent.properties"));
        assertEquals(List.of("ip", "netns", "exec", "tk-1-1"), inside.subList(0, 4));
        assertEquals(plain, inside.subList(4, inside.size()));
        assertEquals(List.of("-jar", jar.toString(), "run", "--simulate", "--config", "agent.properties"),
                plain.subList(1, plain.size()));
    }
}
