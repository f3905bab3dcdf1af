package org.telekiosk.agent.sampling;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The kiosk's measurement sequence numbers (see {@code Measurement.seq}): 1, 2, 3, ... across restarts, never
 * repeated, because the broker deduplicates by (kiosk, seq) and would drop a reading that reused a number. Each
 * number is on disk before it is handed out: written to a temporary file, forced to the device, moved atomically
 * over {@value #FILE_NAME} in the data directory, and the directory forced too, so that a power cut leaves either
 * the old or the new number, never a torn file. The file is readable by the agent's user only (0600). A file that
 * cannot be parsed stops the agent rather than starting over at 1.
 *
 * <p>That is one small synchronous write per reading, a few per second at most on a kiosk. Thread-safe.
 */
public final class SequenceCounter {
    /** The file in the data directory that holds the last number handed out, in decimal. */
    public static final String FILE_NAME = "sequence";

    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,18}");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path file;
    private final Path temporary;
    private long last;

    private SequenceCounter(Path file, long last) {
        this.file = file;
        this.temporary = file.resolveSibling(FILE_NAME + ".tmp");
        this.last = last;
    }

    /**
     * Opens the counter in {@code dataDir}, creating the directory if needed; starts after the number on disk, or
     * at 1 if there is none yet.
     *
     * @throws IOException if the directory cannot be made or the file is unreadable or corrupt
     */
    public static SequenceCounter open(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(FILE_NAME);
        return new SequenceCounter(file, Files.exists(file) ? read(file) : 0);
    }

    private static long read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (!DECIMAL.matcher(text).matches()) {
            throw new IOException("the sequence file " + file + " is corrupt (" + text.length() + " characters, not "
                    + "a number); refusing to start, because sequence numbers could repeat. Put the last sequence "
                    + "number the broker has stored for this kiosk (or any larger one) into it.");
        }
        return Long.parseLong(text);
    }

    /** The next number, already on disk. */
    public synchronized long next() throws IOException {
        long next = Math.addExact(last, 1);
        persist(next);
        last = next;
        return next;
    }

    /**
     * Moves the number on disk up to {@code value} (stored as {@link #next()} stores it) if it is larger than the
     * last one; the outbox keeps a high-water mark ahead of the numbers it hands out here, so that even a lost or
     * corrupt outbox file cannot make a number repeat.
     */
    public synchronized void advanceTo(long value) throws IOException {
        if (value > last) {
            persist(value);
            last = value;
        }
    }

    /** The last number handed out; 0 if none ever was. */
    public synchronized long last() {
        return last;
    }

    private void persist(long value) throws IOException {
        Files.deleteIfExists(temporary);
        FileAttribute<?>[] ownerOnly = POSIX
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        try (FileChannel channel = FileChannel.open(temporary,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly)) {
            ByteBuffer bytes = ByteBuffer.wrap((value + "\n").getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        if (POSIX) {
            // The umask may have taken bits away at creation; the file must be exactly 0600.
            Files.setPosixFilePermissions(temporary, OWNER_ONLY);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (POSIX) {
            // The rename is durable only once the directory entry is on the device.
            try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                directory.force(true);
            }
        }
    }

    @Override
    public String toString() {
        return "SequenceCounter[" + file + ", last=" + last() + "]";
    }
}
