package org.telekiosk.broker.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Objects;

/**
 * Blocking JDBC access to the store's database for the SQL repositories (accounts, sessions, consultations, codes,
 * seats, audit): one connection per unit of work, opened from the shared {@link StoreDatabase} and closed after it.
 * Callers run it off the event loop. {@link SQLException}s become {@link StoreException}s, since the repository ports
 * are plain interfaces.
 *
 * <p>Instants are stored as epoch nanoseconds in a {@code BIGINT} (good until 2262), so that what goes in comes out
 * equal, as with {@code measurement.taken_at}.
 */
public final class SqlAccess {
    /** One unit of work on a connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** PostgreSQL's "serialization failure", answered by running the transaction again. */
    private static final String SERIALIZATION_FAILURE = "40001";
    private static final int ATTEMPTS = 5;

    private final ConnectionSource database;

    /** @param database the store's {@link StoreDatabase} (a test may pass a source that wraps it) */
    public SqlAccess(ConnectionSource database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    public Dialect dialect() {
        return database.dialect();
    }

    /** Runs {@code work} with auto-commit on: each statement is its own transaction. */
    public <T> T run(String what, Work<T> work) {
        try (Connection c = database.connect()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException("cannot " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code work} in one serializable transaction, again (up to five times) when PostgreSQL reports a
     * serialization failure. On SQLite the transaction holds the database's write lock from its start.
     * {@code work} must not commit or roll back itself.
     */
    public <T> T inTransaction(String what, Work<T> work) {
        SQLException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try (Connection c = database.connect()) {
                return database.dialect() == Dialect.SQLITE ? sqliteTransaction(c, work) : serializable(c, work);
            } catch (SQLException e) {
                if (!SERIALIZATION_FAILURE.equals(e.getSQLState())) {
                    throw new StoreException("cannot " + what + ": " + e.getMessage(), e);
                }
                last = e;
            }
        }
        throw new StoreException("cannot " + what + ": still conflicting after " + ATTEMPTS + " attempts", last);
    }

    private static <T> T serializable(Connection c, Work<T> work) throws SQLException {
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
    }

    /**
     * {@code BEGIN IMMEDIATE} takes SQLite's write lock at the start (waiting on the busy timeout), so that a
     * transaction that reads before it writes cannot fail with SQLITE_BUSY when it upgrades its lock. Issued as a
     * statement: sqlite-jdbc's own transactions begin again right after each commit, which with IMMEDIATE would hold
     * the write lock between transactions.
     */
    private static <T> T sqliteTransaction(Connection c, Work<T> work) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            try {
                T result = work.run(c);
                s.execute("COMMIT");
                return result;
            } catch (SQLException | RuntimeException e) {
                s.execute("ROLLBACK");
                throw e;
            }
        }
    }

    public static long nanos(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    }

    public static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    /** Reads a nullable {@code BIGINT} instant column. */
    public static java.util.Optional<Instant> optionalInstant(java.sql.ResultSet row, String column)
            throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? java.util.Optional.empty() : java.util.Optional.of(instant(value));
    }

    /** Sets a nullable {@code BIGINT} instant parameter. */
    public static void setOptionalInstant(java.sql.PreparedStatement statement, int index,
            java.util.Optional<Instant> value) throws SQLException {
        if (value.isPresent()) {
            statement.setLong(index, nanos(value.get()));
        } else {
            statement.setNull(index, java.sql.Types.BIGINT);
        }
    }
}
