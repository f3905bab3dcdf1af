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
 * or a reader) copies each page once per second however often it changed in that second.
 *
 * <p>The WAL starts over only at a write that finds every frame copied back, and under a steady stream of commits a
 * passive checkpoint never gets there (a commit lands during each). So once the WAL holds {@link #RESTART_FRAMES},
 * this thread copies the last of it while the writer waits between two commits ({@link WriterGate}): a passive
 * checkpoint of what landed during the one before, which is short; the writer's next commit then starts the WAL over.
 * Without that the WAL grew to the writer's own automatic checkpoint, {@link #WRITER_BACKSTOP_PAGES} (160 MB), which
 * a node killed then had to read back whole at its next start and copy again (docs/benchmarks.md, "The store after a
 * kill"). That checkpoint stays as the backstop, for when this thread cannot keep up or its checkpoints fail. A failed
 * checkpoint is logged and tried again on a new connection; nothing is lost by it (the WAL holds every commit until a
 * checkpoint copies it).
 */
final class WalCheckpointer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WalCheckpointer.class);
    /**
     * The writer connection's {@code wal_autocheckpoint}, 40,000 pages (160 MB of WAL): the backstop. The writer's
     * own checkpoint copies what this thread has not yet and waits for the WAL's and the database file's fsyncs inside
     * a commit while the readings queue; at 10,000 pages, before this thread restarted the WAL, that was a stall about
     * every 1.3 s at 5,000 readings/s (docs/benchmarks.md, "The store writer's tail", issue 16).
     */
    static final int WRITER_BACKSTOP_PAGES = 40_000;
    /**
     * The WAL's size (frames) from which this thread restarts it with the writer held: 4,000 frames, 16 MB. At 5,000
     * readings/s a fleet's batches write about 10,000 pages a second, so then once a checkpoint, each second.
     */
    static final int RESTART_FRAMES = 4_000;
    /** A passive checkpoint this short leaves little to copy with the writer held; a longer one is followed by more. */
    static final Duration QUICK = Duration.ofMillis(100);
    /** Unheld passive checkpoints in a row at most before the writer is held. */
    static final int MAX_PASSES = 3;
    /** How long this thread waits for the writer to get between two commits (its batch in hand written first). */
    static final Duration PATIENCE = Duration.ofSeconds(1);
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

    /** Runs an action while the store's writer waits between two commits ({@link StoreWriter#betweenCommits}). */
    @FunctionalInterface
    interface WriterGate {
        /** False if the writer did not get there within {@code patience} (then {@code action} did not run). */
        boolean betweenCommits(Duration patience, SqlAction action) throws SQLException;
    }

    @FunctionalInterface
    interface SqlAction {
        void run() throws SQLException;
    }

    private volatile Observer observer = Observer.NONE;
    /** Null: the writer is never held (the WAL then starts over at the backstop, or when the load stops). */
    private final WriterGate writer;
    private final int restartFrames;
    /** Only on the checkpoint thread; null until opened, and after a failure. */
    private Connection connection;

    /** @param interval between checkpoints; null: only when {@link #checkpoint} is called (tests) */
    private WalCheckpointer(ConnectionSource database, WriterGate writer, Duration interval, int restartFrames) {
        this.database = database;
        this.writer = writer;
        this.restartFrames = restartFrames;
        if (interval != null) {
            thread.scheduleWithFixedDelay(this::checkpoint, interval.toMillis(), interval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Starts the checkpoints for an SQLite store whose writer is {@code writer} (null: never held); null for any other
     * database (PostgreSQL checkpoints itself).
     */
    static WalCheckpointer startFor(ConnectionSource database, WriterGate writer) {
        return database.dialect() == Dialect.SQLITE
                ? new WalCheckpointer(database, writer, INTERVAL, RESTART_FRAMES) : null;
    }

    /** A checkpointer that runs only when {@link #checkpoint} is called, restarting past {@code restartFrames}. */
    static WalCheckpointer unscheduled(ConnectionSource database, WriterGate writer, int restartFrames) {
        return new WalCheckpointer(database, writer, null, restartFrames);
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

    /**
     * A passive checkpoint now, on the calling thread (the checkpoint thread; tests call it directly); past
     * {@link #RESTART_FRAMES}, more until one was {@link #QUICK}, and a last one with the writer held.
     */
    void checkpoint() {
        try {
            if (connection == null) {
                connection = database.connect();
            }
            long frames = passive();
            if (writer == null || frames < restartFrames) {
                return;
            }
            for (int pass = 1; pass < MAX_PASSES && lastTook > QUICK.toNanos(); pass++) {
                passive();
            }
            writer.betweenCommits(PATIENCE, this::passive);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("A checkpoint of the store's WAL failed (tried again in {}; the writer's own checkpoint at {}"
                    + " pages is the backstop): {}", INTERVAL, WRITER_BACKSTOP_PAGES, e.toString());
            closeConnection();
        }
    }

    /** How long the last passive checkpoint took (nanoseconds); only on the checkpoint thread. */
    private long lastTook;

    /** One passive checkpoint; the frames in the WAL. */
    private long passive() throws SQLException {
        long start = System.nanoTime();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            rs.next(); // busy (0/1), frames in the WAL, frames of it now in the database file
            long end = System.nanoTime();
            lastTook = end - start;
            observer.checkpointed(start, end, rs.getLong(1) != 0, rs.getLong(2), rs.getLong(3));
            return rs.getLong(2);
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
