package org.telekiosk.agent.outbox;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telekiosk.protocol.MalformedMessageException;
import org.telekiosk.protocol.codec.WireCodec;
import org.telekiosk.protocol.telemetry.KioskMessage;
import org.telekiosk.protocol.telemetry.Measurement;
import org.telekiosk.protocol.telemetry.WaveformBatch;

/**
 * Opens the outbox's SQLite file, and when it is not a sound outbox (garbage, truncated, another schema), moves it
 * aside and recovers what can be read from it into a fresh file. The file and its {@code -wal}/{@code -shm}
 * companions are readable by the agent's user only (0600: SQLite gives its companions the main file's mode).
 */
final class OutboxFile {
    private static final Logger log = LoggerFactory.getLogger(OutboxFile.class);
    private static final int SCHEMA_VERSION = 1;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    /**
     * An open, checked outbox file.
     *
     * @param connection the writer's connection (auto-commit off)
     * @param lastSeq    the highest sequence number the file says was handed out
     * @param dropped    readings dropped over the file's lifetime
     * @param fault      empty, or what was wrong with the file found at start and what was recovered
     * @param fresh      whether the file was created or recovered now (its counters may be behind)
     */
    record Opened(Connection connection, long lastSeq, long dropped, String fault, boolean fresh) {}

    private OutboxFile() {
    }

    static Opened open(Path file, SyncPolicy sync, Clock clock) throws IOException {
        Path wal = file.resolveSibling(file.getFileName() + "-wal");
        if (Files.exists(file) && Files.size(file) == 0 && (!Files.exists(wal) || Files.size(wal) == 0)) {
            // A crash between creating the file and the first commit: nothing was ever in it.
            Files.delete(file);
        }
        if (Files.exists(file)) {
            try {
                Connection connection = connect(file, sync);
                try {
                    check(connection);
                    return opened(connection, "", false);
                } catch (SQLException | CorruptOutboxException e) {
                    close(connection);
                    throw e;
                }
            } catch (SQLException | CorruptOutboxException e) {
                return recover(file, sync, clock, describe(e));
            }
        }
        try {
            return opened(create(file, sync), "", true);
        } catch (SQLException e) {
            throw new IOException("cannot create the outbox " + file + ": " + e.getMessage(), e);
        }
    }

    /** The JDBC connection of the SQLite file {@code file}, in WAL mode with {@code sync}. */
    static Connection connect(Path file, SyncPolicy sync) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("busy_timeout", "10000");
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), properties);
        try (Statement statement = connection.createStatement()) {
            // Touches the file: a file that is not an SQLite database fails here (SQLITE_NOTADB).
            statement.execute("PRAGMA journal_mode=WAL");
            statement.execute("PRAGMA synchronous=" + sync.pragma());
        } catch (SQLException e) {
            close(connection);
            throw e;
        }
        return connection;
    }

    private static Connection create(Path file, SyncPolicy sync) throws IOException, SQLException {
        createOwnerOnly(file);
        Connection connection = connect(file, sync);
        try (Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("CREATE TABLE reading (seq INTEGER PRIMARY KEY, waveform INTEGER NOT NULL, "
                    + "payload BLOB NOT NULL)");
            statement.execute("CREATE TABLE outbox_meta (id INTEGER PRIMARY KEY CHECK (id = 1), "
                    + "last_seq INTEGER NOT NULL, dropped INTEGER NOT NULL)");
            statement.execute("INSERT INTO outbox_meta VALUES (1, 0, 0)");
            statement.execute("PRAGMA user_version=" + SCHEMA_VERSION);
            connection.commit();
        } catch (SQLException e) {
            close(connection);
            throw e;
        }
        return connection;
    }

    private static void check(Connection connection) throws SQLException, CorruptOutboxException {
        try (Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("PRAGMA quick_check")) {
                String verdict = rs.next() ? rs.getString(1) : "no answer";
                if (!"ok".equals(verdict)) {
                    throw new CorruptOutboxException("integrity check failed: " + verdict);
                }
            }
            try (ResultSet rs = statement.executeQuery("PRAGMA user_version")) {
                int version = rs.next() ? rs.getInt(1) : -1;
                if (version != SCHEMA_VERSION) {
                    throw new CorruptOutboxException("schema version " + version + ", expected " + SCHEMA_VERSION);
                }
            }
        }
        connection.setAutoCommit(false);
    }

    private static Opened opened(Connection connection, String fault, boolean fresh) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT last_seq, dropped FROM outbox_meta WHERE id = 1")) {
            if (!rs.next()) {
                close(connection);
                throw new SQLException("the outbox has no meta row");
            }
            return new Opened(connection, rs.getLong(1), rs.getLong(2), fault, fresh);
        }
    }

    /**
     * Moves {@code file} (and its companions) aside, creates a fresh outbox, and copies into it every reading that
     * can still be read and decoded from the old one, and its counters if they can be read.
     */
    private static Opened recover(Path file, SyncPolicy sync, Clock clock, String reason) throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + STAMP.format(clock.instant()));
        log.error("The outbox {} is corrupt ({}); moving it to {} and starting a fresh one", file, reason,
                aside.getFileName());
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Path companion = file.resolveSibling(file.getFileName() + suffix);
            if (Files.exists(companion)) {
                Files.move(companion, aside.resolveSibling(aside.getFileName() + suffix),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Connection fresh;
        try {
            fresh = create(file, sync);
        } catch (SQLException e) {
            throw new IOException("cannot create a fresh outbox " + file + ": " + e.getMessage(), e);
        }
        Salvage salvage = salvage(aside, fresh);
        String fault = "outbox file was corrupt (" + reason + "); moved to " + aside.getFileName() + "; "
                + salvage.recovered + " readings recovered";
        if (salvage.stoppedBy != null) {
            fault += ", reading stopped at: " + salvage.stoppedBy;
        }
        log.error("{}", fault);
        try {
            try (PreparedStatement meta = fresh.prepareStatement(
                    "UPDATE outbox_meta SET last_seq = ?, dropped = ? WHERE id = 1")) {
                meta.setLong(1, salvage.lastSeq);
                meta.setLong(2, salvage.dropped);
                meta.executeUpdate();
            }
            fresh.commit();
            return opened(fresh, fault.length() > 200 ? fault.substring(0, 197) + "..." : fault, true);
        } catch (SQLException e) {
            close(fresh);
            throw new IOException("cannot write the recovered outbox " + file + ": " + e.getMessage(), e);
        }
    }

    private static final class Salvage {
        long recovered;
        long lastSeq;
        long dropped;
        String stoppedBy;
    }

    private static Salvage salvage(Path corrupt, Connection fresh) {
        Salvage salvage = new Salvage();
        WireCodec codec = WireCodec.cbor(WireCodec.DEFAULT_MAX_BYTES);
        Properties readOnly = new Properties();
        readOnly.setProperty("open_mode", "1"); // SQLITE_OPEN_READONLY
        try (Connection old = DriverManager.getConnection("jdbc:sqlite:" + corrupt.toAbsolutePath(), readOnly)) {
            try (Statement statement = old.createStatement()) {
                // Without it SQLite refuses a file shorter than its header says (a truncated file) as a whole;
                // with it, the pages that are there can be read (btree.c, lockBtree). Read-only: nothing is written.
                statement.execute("PRAGMA writable_schema=ON");
            }
            try (Statement statement = old.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT last_seq, dropped FROM outbox_meta WHERE id = 1")) {
                if (rs.next()) {
                    salvage.lastSeq = rs.getLong(1);
                    salvage.dropped = rs.getLong(2);
                }
            } catch (SQLException e) {
                log.warn("The corrupt outbox's counters cannot be read: {}", e.getMessage());
            }
            try (Statement statement = old.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT seq, waveform, payload FROM reading ORDER BY seq");
                    PreparedStatement insert = fresh.prepareStatement(
                            "INSERT OR IGNORE INTO reading (seq, waveform, payload) VALUES (?, ?, ?)")) {
                while (rs.next()) {
                    long seq = rs.getLong(1);
                    byte[] payload = rs.getBytes(3);
                    if (!holds(codec, payload, seq)) {
                        continue;
                    }
                    insert.setLong(1, seq);
                    insert.setInt(2, rs.getInt(2) == 0 ? 0 : 1);
                    insert.setBytes(3, payload);
                    insert.executeUpdate();
                    salvage.recovered++;
                    salvage.lastSeq = Math.max(salvage.lastSeq, seq);
                }
            } catch (SQLException e) {
                salvage.stoppedBy = describe(e);
            }
        } catch (SQLException e) {
            salvage.stoppedBy = describe(e);
        }
        return salvage;
    }

    /** Whether {@code payload} decodes to a reading with number {@code seq}. */
    private static boolean holds(WireCodec codec, byte[] payload, long seq) {
        if (payload == null) {
            return false;
        }
        try {
            KioskMessage message = codec.decode(payload, KioskMessage.class);
            return switch (message) {
                case Measurement m -> m.seq() == seq;
                case WaveformBatch w -> w.seq() == seq;
                default -> false;
            };
        } catch (MalformedMessageException | RuntimeException e) {
            return false;
        }
    }

    private static void createOwnerOnly(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (POSIX) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            // The umask may have taken bits away at creation; the file must be exactly 0600.
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        } else {
            Files.createFile(file);
        }
    }

    static String describe(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("[\\p{Cntrl}]", " ").strip();
    }

    static void close(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("Closing an outbox connection failed: {}", e.getMessage());
        }
    }

    /** The file is an SQLite database but not a sound outbox. */
    static final class CorruptOutboxException extends Exception {
        CorruptOutboxException(String message) {
            super(message);
        }
    }

    /**
     * What an opened file holds, read once at start.
     *
     * @param quarantined readings the broker refused, kept aside
     * @param held        readings not yet acknowledged
     * @param bytes       their payload bytes
     * @param heldFrom    {@link #lowestHeld}
     */
    record Contents(long quarantined, long held, long bytes, long heldFrom) {}

    /** Reads what {@code c} holds, creating the quarantine table first if the file predates it; not committed. */
    static Contents contents(Connection c, long committed) throws SQLException {
        long quarantined;
        try (java.sql.Statement statement = c.createStatement()) {
            // The quarantine table came later within schema version 1: an older file gets it on its next start.
            statement.execute("CREATE TABLE IF NOT EXISTS quarantine (seq INTEGER PRIMARY KEY, payload BLOB NOT NULL,"
                    + " reason TEXT NOT NULL, quarantined_at INTEGER NOT NULL)");
            try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM quarantine")) {
                rs.next();
                quarantined = rs.getLong(1);
            }
        }
        try (PreparedStatement count = c.prepareStatement(
                "SELECT count(*), coalesce(sum(length(payload)), 0) FROM reading");
                ResultSet rs = count.executeQuery()) {
            rs.next();
            return new Contents(quarantined, rs.getLong(1), rs.getLong(2), lowestHeld(c, committed));
        }
    }

    /** The lowest sequence number on disk, or one above {@code committed} when the file holds none. */
    static long lowestHeld(Connection c, long committed) throws SQLException {
        try (PreparedStatement min = c.prepareStatement("SELECT min(seq) FROM reading");
                ResultSet rs = min.executeQuery()) {
            rs.next();
            long lowest = rs.getLong(1);
            return rs.wasNull() ? committed + 1 : Math.min(lowest, committed + 1);
        }
    }
}
