package org.telekiosk.broker.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQLite only: copies the write-ahead log back into the database file on a thread of its own ({@code store-checkpoint},
 * a connection of its own), once a second, instead of in the store writer's commits. SQLite's default lets the commit
 * that takes the WAL past 1,000 pages run the checkpoint: the writer then writes every page again, into the database
 * file, and waits for two fsyncs, while the kiosks' readings queue behind it; measured, that was about a third of the
 * writer thread's CPU a reading (docs/benchmarks.md, issue 16). Here a passive checkpoint (it never blocks the writer
 * or a reader) copies each page once per second however often it changed in that second. The writer's own
 * automatic checkpoint stays as a backstop at {@link #WRITER_BACKSTOP_PAGES} (160 MB of WAL), for when this thread
 * cannot keep up or its checkpoints fail, and to start the WAL over (see there). A failed checkpoint is logged and
 * tried again on a new connection; nothing is lost by it (the WAL holds every commit until a checkpoint copies it).
 */
final class WalCheckpointer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WalCheckpointer.class);
    /**
     * The writer connection's {@code wal_autocheckpoint}, 40,000 pages (about 160 MB of WAL). The WAL starts over only
     * at a write that finds every frame copied back, and under a steady stream of commits this thread's checkpoints
     * never catch up (a commit lands during each), so in practice the writer's own checkpoint ends every WAL cycle:
     * it copies what this thread has not yet, and waits for the WAL's and the database file's fsyncs inside a
     * commit while the readings queue. At 5,000 readings/s a fleet's batches write about 10,000 pages a second, so at
     * 10,000 pages that was a stall about every 1.3 s; at 40,000 a quarter as many (docs/benchmarks.md, "The store
     * writer's tail", issue 16).
     */
    static final int WRITER_BACKSTOP_PAGES = 40_000;
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private final ConnectionSource database;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("store-checkpoint").daemon().factory());
    /** Told each checkpoint, on the checkpoint thread (benchmarks; must not block). */
    interface Observer {
        Observer NONE = (started, ended, busy, walFrames, copiedFrames) -> { };

        /**
         * @param started      {@link System#nanoTime} at the checkpoint's start
         * @param ended        at its end
         * @param busy         whether SQLite reported it could not finish (another checkpoint, a reader)
         * @param walFrames    the frames in the WAL
         * @param copiedFrames the frames of it in the database file now
         */
        void checkpointed(long started, long ended, boolean busy, long walFrames, long copiedFrames);
    }

    private volatile Observer observer = Observer.NONE;
    /** Only on the checkpoint thread; null until opened, and after a failure. */
    private Connection connection;

    private WalCheckpointer(ConnectionSource database, Duration interval) {
        this.database = database;
        thread.scheduleWithFixedDelay(this::checkpoint, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Starts the checkpoints for an SQLite store; null for any other database (PostgreSQL checkpoints itself). */
    static WalCheckpointer startFor(ConnectionSource database) {
        return database.dialect() == Dialect.SQLITE ? new WalCheckpointer(database, INTERVAL) : null;
    }

    /** Tells {@code observer} every checkpoint from now on. */
    void observe(Observer observer) {
        this.observer = java.util.Objects.requireNonNull(observer, "observer");
    }

    /** Raises the writer connection's own automatic checkpoint to the backstop (SQLite only). */
    static void backstop(Connection writer, Dialect dialect) throws SQLException {
        if (dialect == Dialect.SQLITE) {
            try (Statement s = writer.createStatement()) {
                s.execute("PRAGMA wal_autocheckpoint=" + WRITER_BACKSTOP_PAGES);
            }
        }
    }

    /** One passive checkpoint now, on the calling thread (the checkpoint thread; tests call it directly). */
    void checkpoint() {
        try {
            if (connection == null) {
                connection = database.connect();
            }
            long start = System.nanoTime();
            try (Statement s = connection.createStatement();
                    ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
                rs.next(); // busy (0/1), frames in the WAL, frames of it now in the database file
                observer.checkpointed(start, System.nanoTime(), rs.getLong(1) != 0, rs.getLong(2), rs.getLong(3));
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("A checkpoint of the store's WAL failed (tried again in {}; the writer's own checkpoint at {}"
                    + " pages is the backstop): {}", INTERVAL, WRITER_BACKSTOP_PAGES, e.toString());
            closeConnection();
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing the checkpoint connection failed: {}", e.toString());
            }
            connection = null;
        }
    }

    /** Stops the checkpoints and closes the connection (on the checkpoint thread). Waits for that. */
    @Override
    public synchronized void close() {
        if (thread.isShutdown()) {
            return;
        }
        thread.execute(this::closeConnection);
        thread.shutdown();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("The store's checkpoint thread did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
