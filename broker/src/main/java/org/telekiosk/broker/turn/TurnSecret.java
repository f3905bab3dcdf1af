package org.telekiosk.broker.turn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * coturn's {@code static-auth-secret}, shared between coturn and the broker. Read only from the environment
 * ({@value #ENV}) or from a file (first line, trimmed); never from the properties, never logged: it does not print
 * itself.
 */
public final class TurnSecret {
    /** The environment variable holding the secret. */
    public static final String ENV = "TELEKIOSK_TURN_SECRET";

    private final byte[] bytes;

    private TurnSecret(byte[] bytes) {
        if (bytes.length < 16) {
            throw new IllegalArgumentException("the TURN secret must be at least 16 bytes long");
        }
        this.bytes = bytes.clone();
    }

    public static TurnSecret of(String secret) {
        return new TurnSecret(secret.strip().getBytes(StandardCharsets.UTF_8));
    }

    /** The secret from {@code file} if given, else from {@value #ENV}; empty if neither holds one. */
    public static Optional<TurnSecret> resolve(Optional<Path> file, Map<String, String> environment)
            throws IOException {
        if (file.isPresent()) {
            String text = Files.readString(file.get(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
            if (text.isBlank()) {
                throw new IOException("turn.secret-file " + file.get() + " is empty");
            }
            return Optional.of(of(text));
        }
        String value = environment.get(ENV);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(of(value));
    }

    byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public String toString() {
        return "TurnSecret(redacted)";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TurnSecret secret && java.security.MessageDigest.isEqual(bytes, secret.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }
}
