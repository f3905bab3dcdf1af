package org.telekiosk.hardware.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The edge agent as a real process from its shaded jar ({@code edge-agent/target/telekiosk-edge-agent.jar}, built by
 * the reactor's package phase before this module's tests), with simulated chips, so that a test can SIGKILL it.
 * Its output goes to a log file in its directory.
 */
public final class AgentProcess implements AutoCloseable {
    static final Path JAR = Path.of("..", "edge-agent", "target", "telekiosk-edge-agent.jar").toAbsolutePath()
            .normalize();

    private final Process process;

    private AgentProcess(Process process) {
        this.process = process;
    }

    /** Starts {@code run --config <dir>/agent.properties --simulate} in {@code dir}; output appended to agent.log. */
    static AgentProcess start(Path dir) throws IOException {
        return start(dir, List.of());
    }

    /**
     * As {@link #start(Path)}, with {@code prefix} before the java command, e.g. {@code ip netns exec <ns>} to run the
     * kiosk in a network namespace of its own (that command execs java in place: the process is the agent's).
     */
    public static AgentProcess start(Path dir, List<String> prefix) throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: build with mvn -pl hardware-tests -am verify");
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(prefix);
        command.addAll(List.of(java.toString(), "-Xmx128m", "-jar", JAR.toString(), "run",
                "--config", dir.resolve("agent.properties").toString(), "--simulate"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("agent.log").toFile()));
        return new AgentProcess(builder.start());
    }

    /** SIGKILL (on Linux {@link Process#destroyForcibly()} sends it), and waits for the process to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * SIGSTOP: the agent stops in its tracks with its connection open, so that what the broker sends it (a store
     * acknowledgement) is never read; {@link #kill()} ends it.
     */
    void freeze() throws IOException, InterruptedException {
        Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(process.pid())).inheritIO().start();
        if (!stop.waitFor(30, TimeUnit.SECONDS) || stop.exitValue() != 0) {
            throw new IllegalStateException("kill -STOP " + process.pid() + " failed");
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM: the agent's shutdown hook closes it in order (the outbox commits what is queued). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
