package org.telekiosk.broker.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A Mosquitto (Debian's 2.0, {@link RequiredPrograms.Program#MOSQUITTO}) started by a test with a configuration it
 * wrote ({@code MosquittoConfig.write}), listening on 127.0.0.1:{@code port}; its output goes to {@code log}.
 * Never the system's instance.
 */
public final class MosquittoProcess implements AutoCloseable {
    private final Process process;

    private MosquittoProcess(Process process) {
        this.process = process;
    }

    /** Starts Mosquitto with {@code conf} and waits until it accepts connections on {@code port}. */
    public static MosquittoProcess start(Path conf, int port, Path log) throws IOException {
        Process process = new ProcessBuilder(RequiredPrograms.Program.MOSQUITTO.path().toString(), "-c",
                conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Awaitility.await("Mosquitto listening on " + port).atMost(Duration.ofSeconds(15)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("Mosquitto exited: " + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
        return new MosquittoProcess(process);
    }

    /** Stops Mosquitto (SIGTERM, which saves its persistence file; SIGKILL after 10 s). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
