package org.telekiosk.agent.update;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Properties;
import org.telekiosk.protocol.update.UpdateKey;

/**
 * The files by which the unprivileged agent and the root installer ({@link UpdateInstallation}, started by the
 * {@code telekiosk-agent-update.path} unit) talk, all in {@code updates/} beside the kiosk's certificate
 * ({@code /var/lib/telekiosk/edge-agent/updates}):
 * <ul>
 *   <li>{@value #PACKAGE} and {@value #SIGNATURE}: the verified package and its signature (the agent writes them);</li>
 *   <li>{@value #REQUEST}: written last, atomically, by the agent; its appearance starts the installer, which
 *       removes it first;</li>
 *   <li>{@value #HEALTHY}: the version of the agent that is up (written by the agent once it has connected to the
 *       broker); the installer's health check waits for the new version here;</li>
 *   <li>{@value #RESULT}: what the installer did (written by root, 0644); the agent reports it after its restart
 *       and removes it.</li>
 * </ul>
 * The pinned update key is {@value #KEY_FILE} beside the certificate, 0644 (public).
 */
public final class UpdateFiles {
    public static final String KEY_FILE = "update-key.pem";
    public static final String DIR = "updates";
    public static final String PACKAGE = "pending.deb";
    public static final String SIGNATURE = "pending.deb.sig";
    public static final String REQUEST = "install-request";
    public static final String HEALTHY = "healthy";
    public static final String RESULT = "result.properties";

    private UpdateFiles() {}

    /** The pinned update key beside the certificate in {@code identityDir}, if the kiosk has one. */
    public static Optional<UpdateKey> readKey(Path identityDir) throws IOException {
        Path file = identityDir.resolve(KEY_FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(UpdateKey.fromPem(Files.readString(file, StandardCharsets.US_ASCII)));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Pins {@code key} beside the certificate in {@code identityDir} (0644: it is public). */
    public static void writeKey(Path identityDir, UpdateKey key) throws IOException {
        writeAtomically(identityDir.resolve(KEY_FILE), key.pem().getBytes(StandardCharsets.US_ASCII), "rw-r--r--");
    }

    /** Writes {@code content} to a temporary file beside {@code target} with {@code mode}, then renames it. */
    static void writeAtomically(Path target, byte[] content, String mode) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.write(temp, content);
        try {
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString(mode));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system (development on another OS): the mode is the default
        }
        try {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static Properties readProperties(Path file) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return p;
    }

    static void writeProperties(Path file, Properties p, String mode) throws IOException {
        java.io.StringWriter out = new java.io.StringWriter();
        p.store(out, null);
        writeAtomically(file, out.toString().getBytes(StandardCharsets.UTF_8), mode);
    }
}
