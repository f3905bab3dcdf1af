package org.telekiosk.broker.demo;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Starts the edge agent in simulation mode as a child process of the demo, sharing its console. */
final class AgentLauncher {
    private static final String AGENT_JAR = "telekiosk-edge-agent.jar";

    private final Path jar;
    private final List<String> prefix;

    AgentLauncher(Path jar) {
        this(jar, List.of());
    }

    /**
     * @param prefix put before the kiosk's own commands ({@code run}, {@code kiosk-page-url}), e.g.
     *               {@code ip netns exec <ns>} to run the kiosk behind an emulated link (scripts/link-demo.sh)
     */
    AgentLauncher(Path jar, List<String> prefix) {
        this.jar = jar;
        this.prefix = List.copyOf(prefix);
    }

    Process start(Path config) throws IOException {
        return new ProcessBuilder(runCommand(config))
                .inheritIO()
                .start();
    }

    /** The command line of the simulated kiosk. */
    List<String> runCommand(Path config) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(prefix);
        command.addAll(List.of(java, "-jar", jar.toString(), "run", "--simulate", "--config", config.toString()));
        return command;
    }

    /**
     * Runs {@code edge-agent enroll} with {@code token} into {@code dir} and waits for it; returns its exit code.
     * (The token is on the child's command line, visible to local users while it runs: acceptable for the demo's
     * own loopback broker, not for a shared machine.)
     */
    int enroll(String brokerUrl, String token, Path dir) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-jar", jar.toString(), "enroll", "--broker", brokerUrl,
                "--token", token, "--dir", dir.toString()))
                .inheritIO()
                .start();
        return process.waitFor();
    }

    /**
     * Runs {@code edge-agent kiosk-page-url} for the kiosk configured in {@code config} and waits for it: a fresh,
     * one-time URL of the kiosk's own page, or empty (the agent says why on standard error).
     */
    Optional<URI> kioskPageUrl(Path config) throws IOException, InterruptedException {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(prefix);
        command.addAll(List.of(javaBin, "-jar", jar.toString(), "kiosk-page-url", "--config", config.toString()));
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return process.waitFor() == 0 && out.startsWith("https://") ? Optional.of(URI.create(out)) : Optional.empty();
    }

    /**
     * The agent jar of this build: beside the broker jar, or in the sibling module's target directory
     * ({@code broker/target/telekiosk-broker.jar} → {@code edge-agent/target/telekiosk-edge-agent.jar}).
     */
    static Path findAgentJar() throws IOException {
        Path here;
        try {
            here = Path.of(AgentLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | SecurityException e) {
            throw new IOException("cannot tell where the broker jar is; pass --agent-jar", e);
        }
        Path dir = Files.isDirectory(here) ? here : here.getParent();
        for (Path candidate : List.of(dir.resolve(AGENT_JAR),
                dir.resolveSibling("edge-agent").resolve("target").resolve(AGENT_JAR),
                dir.getParent().resolveSibling("edge-agent").resolve("target").resolve(AGENT_JAR))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IOException("the edge agent jar (" + AGENT_JAR + ") was not found near " + dir
                + "; build it with 'mvn package' or pass --agent-jar");
    }
}
