package org.telekiosk.agent.uplink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.protocol.telemetry.Presence;

/**
 * Numbers the kiosk's MQTT connections for its {@link Presence} messages: each number is above every earlier one,
 * across restarts of the agent. The number is the wall clock's epoch milliseconds at the connect, or one above the
 * last number if the clock is behind it (a Raspberry Pi without a real-time clock boots at the time it last saved);
 * the last number is kept in a file beside the kiosk's CA file, written before the connect. Should the file be lost,
 * so is the kiosk's key beside it, and the kiosk enrolls again with numbers from the clock, far above the old ones.
 */
final class ConnectionNumbers {
    private static final Logger log = LoggerFactory.getLogger(ConnectionNumbers.class);
    /** The file's name, beside the kiosk's CA file. */
    static final String FILE = "mqtt-connection-number";

    private final Path file;
    private final LongSupplier millis;
    private long last;
    private boolean warned;

    /** @param file where the last number is kept; null keeps it in memory only */
    ConnectionNumbers(Path file, LongSupplier millis) {
        this.file = file;
        this.millis = millis;
        this.last = read(file);
    }

    /** Numbers kept beside {@code settings}' CA file. */
    static ConnectionNumbers beside(UplinkSettings settings) {
        Path dir = settings.caFile().toAbsolutePath().getParent();
        return new ConnectionNumbers(dir == null ? null : dir.resolve(FILE), System::currentTimeMillis);
    }

    /** The next connection's number, kept before it is returned. */
    synchronized long next() {
        long next = Math.max(Math.addExact(last, 1), millis.getAsLong());
        last = next;
        if (file != null) {
            try {
                Path temp = file.resolveSibling(FILE + ".tmp");
                Files.writeString(temp, Long.toString(next), StandardCharsets.US_ASCII);
                try {
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                if (!warned) {
                    warned = true;
                    log.warn("Cannot keep the MQTT connection number in {} ({}); numbering from the clock", file,
                            e.toString());
                }
            }
        }
        return next;
    }

    private static long read(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip()));
        } catch (IOException | NumberFormatException e) {
            log.warn("Ignoring the unreadable MQTT connection number in {} ({})", file, e.toString());
            return 0;
        }
    }
}
