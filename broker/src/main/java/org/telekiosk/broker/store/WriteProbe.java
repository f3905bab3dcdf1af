package org.telekiosk.broker.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the store takes writes now, for {@code /readyz}: every period, on its own thread, a connection opens a
 * write transaction and rolls it back — on SQLite {@code BEGIN IMMEDIATE} and a rewrite of {@code user_version} (fails
 * when the file or its directory is read-only, the disk is gone, or another process holds the write lock for longer
 * than half a second), on PostgreSQL {@code transaction_read_only} must be {@code off} (a standby, or a database set
 * read-only, is not writable). {@link #writable()} answers from the last probe and never blocks.
 */
public final class WriteProbe {
    private static final Logger LOG = LoggerFactory.getLogger(WriteProbe.class);
    /** How long a probe waits for another writer's lock on SQLite. */
    static final int BUSY_TIMEOUT_MS = 500;

    private final StoreDatabase database;
    private volatile boolean writable = true;
    private volatile String problem = "";

    public WriteProbe(StoreDatabase database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /** Probes now and then every {@code periodMillis} on {@code scheduler}. */
    public void schedule(ScheduledExecutorService scheduler, long periodMillis) {
        scheduler.scheduleWithFixedDelay(this::probe, 0, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** The last probe's answer (true before the first). */
    public boolean writable() {
        return writable;
    }

    /** Why the last probe failed, or empty. */
    public String problem() {
        return problem;
    }

    /** Probes now; blocking. */
    public boolean probe() {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            if (database.dialect() == Dialect.SQLITE) {
                statement.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MS);
                long version;
                try (ResultSet rs = statement.executeQuery("PRAGMA user_version")) {
                    version = rs.next() ? rs.getLong(1) : 0;
                }
                connection.setAutoCommit(true);
                statement.execute("BEGIN IMMEDIATE");
                try {
                    statement.execute("PRAGMA user_version = " + version);
                } finally {
                    statement.execute("ROLLBACK");
                }
            } else {
                try (ResultSet rs = statement.executeQuery("SHOW transaction_read_only")) {
                    if (rs.next() && !"off".equals(rs.getString(1))) {
                        return failed("the database is read-only (transaction_read_only is " + rs.getString(1) + ")");
                    }
                }
            }
            if (!writable) {
                LOG.info("The store is writable again");
            }
            problem = "";
            writable = true;
            return true;
        } catch (SQLException | RuntimeException e) {
            return failed(e.getMessage());
        }
    }

    private boolean failed(String why) {
        if (writable) {
            LOG.warn("The store is not writable: {}", why);
        }
        problem = why == null ? "unknown" : why;
        writable = false;
        return false;
    }
}
