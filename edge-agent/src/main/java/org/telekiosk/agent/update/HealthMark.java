package org.telekiosk.agent.update;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.telekiosk.protocol.update.DebianVersion;

/**
 * The installer's health check of a new agent: it passes when the agent of that version has written its version into
 * {@link UpdateFiles#HEALTHY} (it does once connected to the broker over MQTT) within {@code timeout} of the install.
 * Polls once a second: it runs in the installer's one-shot process, nowhere near an event loop.
 */
public final class HealthMark implements UpdateInstallation.HealthCheck {
    private final Path file;
    private final Duration timeout;
    private final Clock clock;

    public HealthMark(Path spool, Duration timeout, Clock clock) {
        this.file = spool.resolve(UpdateFiles.HEALTHY);
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public boolean healthy(DebianVersion version) throws InterruptedException {
        Instant deadline = clock.instant().plus(timeout);
        while (true) {
            if (marks(version)) {
                return true;
            }
            if (!clock.instant().isBefore(deadline)) {
                return false;
            }
            Thread.sleep(1000);
        }
    }

    /** Whether the mark names {@code version} now. */
    boolean marks(DebianVersion version) {
        try {
            return Files.exists(file) && Files.readString(file, StandardCharsets.US_ASCII).strip()
                    .equals(version.value());
        } catch (IOException e) {
            return false;
        }
    }
}
