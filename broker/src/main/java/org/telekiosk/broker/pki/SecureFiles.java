package org.telekiosk.broker.pki;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files that hold secrets: created with owner-only permissions (0600) before the first byte is written,
 * flushed to disk, and moved into place atomically so that a crash never leaves half a key behind.
 */
public final class SecureFiles {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    private SecureFiles() {}

    /** Writes {@code content} to {@code target} with permissions 0600, atomically. */
    public static void writeSecret(Path target, byte[] content) throws IOException {
        write(target, content, true);
    }

    /** Writes a public file (a certificate, a configuration without secrets), atomically, with default permissions. */
    public static void writePublic(Path target, byte[] content) throws IOException {
        write(target, content, false);
    }

    /** Creates a directory (and parents) readable only by the owner, or tightens an existing one. */
    public static Path ownerOnlyDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (POSIX) {
            Files.setPosixFilePermissions(dir, OWNER_DIR);
        }
        return dir;
    }

    /** Creates {@code file} empty with permissions 0600 if it does not exist, or tightens an existing one to 0600. */
    public static Path ownerOnlyFile(Path file) throws IOException {
        if (!POSIX) {
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
            return file;
        }
        if (Files.exists(file)) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        } else {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        return file;
    }

    /**
     * Refuses a secret file that others may read: a key readable by group or others may already be compromised,
     * and starting anyway would hide that.
     */
    public static void requireOwnerOnly(Path file) throws IOException {
        if (!POSIX) {
            return;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        for (PosixFilePermission p : perms) {
            if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
                throw new IOException(file + " is readable by others (" + PosixFilePermissions.toString(perms)
                        + "); it holds a secret: check who may have read it, then run: chmod 600 " + file);
            }
        }
    }

    private static void write(Path target, byte[] content, boolean secret) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (secret && POSIX) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
            Files.createFile(tmp);
        }
        try (var channel = Files.newByteChannel(tmp, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(content));
            ((java.nio.channels.FileChannel) channel).force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
