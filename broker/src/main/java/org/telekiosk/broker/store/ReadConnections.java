package org.telekiosk.broker.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The measurement store's read connections: at most {@code size} reads run at once, each on a connection kept open
 * between reads (auto-commit on, no statement or result set left open), instead of each read opening a connection
 * of its own. Opening one is far dearer than a progress read (SQLite opens the file, sets its pragmas and parses the
 * schema again; PostgreSQL connects and authenticates), and the store acknowledgements read the progress of every
 * kiosk with new readings once per store.ack-interval, all at once (issue 16: docs/benchmarks.md, "The broker's
 * CPU per reading"). A read beyond {@code size} waits for one to finish (its caller is a virtual thread).
 *
 * <p>Reads only: a read that fails on a kept connection (PostgreSQL restarted meanwhile) is run once more on a new
 * one; a connection that failed is closed, never kept. Thread-safe.
 */
final class ReadConnections implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReadConnections.class);

    /** One read on a connection. */
    @FunctionalInterface
    interface Query<T> {
        T run(Connection c) throws SQLException;
    }

    private final StoreDatabase database;
    private final Semaphore permits;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    /** @param size how many reads run at once at most, each on a connection of its own */
    ReadConnections(StoreDatabase database, int size) {
        this.database = database;
        this.permits = new Semaphore(size, true);
    }

    /** Runs {@code query} on a kept connection, or a new one; blocking. */
    <T> T read(Query<T> query) throws SQLException {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a read connection", e);
        }
        try {
            Connection kept = idle.pollFirst();
            if (kept != null) {
                try {
                    return runAndKeep(kept, query);
                } catch (SQLException stale) {
                    LOG.debug("A kept read connection failed ({}); reading on a new one", stale.toString());
                }
            }
            return runAndKeep(database.connect(), query);
        } finally {
            permits.release();
        }
    }

    private <T> T runAndKeep(Connection c, Query<T> query) throws SQLException {
        boolean healthy = false;
        try {
            T result = query.run(c);
            healthy = c.getAutoCommit();
            return result;
        } finally {
            if (healthy && !closed) {
                idle.addFirst(c);
                if (closed && idle.remove(c)) {
                    closeQuietly(c); // close() ran meanwhile and may have missed it
                }
            } else {
                closeQuietly(c);
            }
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("Closing a read connection failed: {}", e.toString());
        }
    }

    /** Closes the kept connections; reads still running close theirs when done. */
    @Override
    public void close() {
        closed = true;
        for (Connection c = idle.pollFirst(); c != null; c = idle.pollFirst()) {
            closeQuietly(c);
        }
    }
}
