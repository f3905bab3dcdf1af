package org.telekiosk.broker.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store writer's connection and its prepared statements: each SQL text is prepared once on the connection and
 * kept, instead of prepared and closed again in every batch. With the in-process intake a batch holds about one
 * reading per kiosk (a kiosk has one publish at a time with the store), and each kiosk's gap ledger alone took six
 * prepared statements per batch (issue 16, docs/benchmarks.md "The broker's CPU per reading"). Only the writer's
 * thread uses it; callers never close what {@link #get} returns.
 *
 * <p>After a failed transaction ({@link #rollback}) every kept statement is closed, whatever state the failure left
 * it in (a batch half added, a step half done), and prepared again when next used. A connection that no longer
 * answers (PostgreSQL restarted, the network cut) is closed too, and the next transaction opens a new one: without
 * that, one lost connection would fail every later batch until the broker restarts.
 */
final class WriterStatements implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WriterStatements.class);
    /** How long {@link Connection#isValid} may take to tell whether a connection that failed still answers. */
    private static final int VALID_TIMEOUT_SECONDS = 2;

    private final ConnectionSource database;
    private final Map<String, PreparedStatement> prepared = new HashMap<>();
    /** Null once found broken, until the next transaction opens another. */
    private Connection connection;

    /** Opens the writer's connection (auto-commit off) now, so that a database not reachable fails the store's open. */
    WriterStatements(ConnectionSource database) throws SQLException {
        this.database = database;
        this.connection = open();
    }

    /** The writer's connection, for the statements not worth keeping (refusals, conflicts, duplicates, sweeps). */
    Connection connection() throws SQLException {
        if (connection == null) {
            connection = open();
            LOG.info("The store's writer opened a new connection to {}", database);
        }
        return connection;
    }

    /** The statement for {@code sql} (a constant: the text is the key), prepared on first use. */
    PreparedStatement get(String sql) throws SQLException {
        PreparedStatement statement = prepared.get(sql);
        if (statement == null) {
            statement = connection().prepareStatement(sql);
            prepared.put(sql, statement);
        }
        return statement;
    }

    void commit() throws SQLException {
        connection().commit();
    }

    /**
     * Ends a failed transaction: rolls it back, closes every kept statement, and the connection if it no longer
     * answers. What fails here is added to {@code cause} as suppressed; nothing is thrown.
     */
    void rollback(Exception cause) {
        if (connection == null) {
            return;
        }
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
        try {
            closeStatements();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
        boolean valid;
        try {
            valid = connection.isValid(VALID_TIMEOUT_SECONDS);
        } catch (SQLException e) {
            valid = false;
        }
        if (!valid) {
            LOG.warn("The store's writer connection no longer answers; the next batch opens a new one");
            try {
                connection.close();
            } catch (SQLException e) {
                cause.addSuppressed(e);
            }
            connection = null;
        }
    }

    /** Closes every kept statement and the connection. */
    @Override
    public void close() throws SQLException {
        try {
            closeStatements();
        } finally {
            if (connection != null) {
                connection.close();
                connection = null;
            }
        }
    }

    private Connection open() throws SQLException {
        Connection c = database.connect();
        try {
            WalCheckpointer.backstop(c, database.dialect());
            c.setAutoCommit(false);
        } catch (SQLException e) {
            try {
                c.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return c;
    }

    private void closeStatements() throws SQLException {
        SQLException first = null;
        for (PreparedStatement statement : prepared.values()) {
            try {
                statement.close();
            } catch (SQLException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        prepared.clear();
        if (first != null) {
            throw first;
        }
    }
}
