package org.telekiosk.broker.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The store writer's prepared statements on its one connection: each SQL text is prepared once and kept until the
 * writer stops, instead of prepared and closed again in every batch. With the in-process intake a batch holds about
 * one reading per kiosk (a kiosk has one publish at a time with the store), and each kiosk's gap ledger alone took
 * six prepared statements per batch (issue 16, docs/benchmarks.md "The broker's CPU per reading"). Only the writer's
 * thread uses it; callers never close what {@link #get} returns.
 */
final class WriterStatements implements AutoCloseable {
    private final Connection connection;
    private final Map<String, PreparedStatement> prepared = new HashMap<>();

    WriterStatements(Connection connection) {
        this.connection = connection;
    }

    /** The writer's connection, for the rare statements not worth keeping (refusals, conflicts, duplicates). */
    Connection connection() {
        return connection;
    }

    /** The statement for {@code sql}, prepared on first use; its parameters and batch cleared. */
    PreparedStatement get(String sql) throws SQLException {
        PreparedStatement statement = prepared.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            prepared.put(sql, statement);
        } else {
            // A batch that failed before its executeBatch finished may have left rows or parameters behind.
            statement.clearParameters();
            statement.clearBatch();
        }
        return statement;
    }

    /** Closes every kept statement (not the connection). */
    @Override
    public void close() throws SQLException {
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
