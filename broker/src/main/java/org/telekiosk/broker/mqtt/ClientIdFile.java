package org.telekiosk.broker.mqtt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This broker node's stable MQTT client id, made once and kept in the data directory: a session must outlive the
 * process for the MQTT broker to keep queueing for it.
 */
public final class ClientIdFile {
    private static final Logger LOG = LoggerFactory.getLogger(ClientIdFile.class);
    static final String NAME = "mqtt-subscriber-id";

    private ClientIdFile() {}

    /** The id kept in {@code dataDir}, or a new one written there (atomically) when there is none or it is bad. */
    public static String in(Path dataDir, SecureRandom random) throws IOException {
        Path file = dataDir.resolve(NAME);
        if (Files.exists(file)) {
            String id = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (id.matches("telekiosk-broker-[0-9a-f]{16}")) {
                return id;
            }
            LOG.warn("{} does not hold a client id; making a new one (the old session's queue expires)", file);
        }
        String id = "telekiosk-broker-" + HexFormat.of().toHexDigits(random.nextLong());
        Files.createDirectories(dataDir);
        Path temporary = file.resolveSibling(NAME + ".tmp");
        Files.writeString(temporary, id + "\n", StandardCharsets.US_ASCII);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return id;
    }
}
