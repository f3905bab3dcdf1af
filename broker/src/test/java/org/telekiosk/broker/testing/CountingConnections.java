package org.telekiosk.broker.testing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import org.telekiosk.broker.store.ConnectionSource;
import org.telekiosk.broker.store.Dialect;

/**
 * The store's real database, with its connections wrapped to count what they do: statements executed, rows read
 * (rows a result set moved to) and rows written (update counts). For tests that show how much a unit of work touches
 * (a registry change that reads one row, not every kiosk's), never how long it takes.
 */
public final class CountingConnections implements ConnectionSource {
    /** What the connections did, summed since this source was made. */
    public record Counts(long statements, long rowsRead, long rowsWritten) {
        public Counts minus(Counts earlier) {
            return new Counts(statements - earlier.statements, rowsRead - earlier.rowsRead,
                    rowsWritten - earlier.rowsWritten);
        }
    }

    private final ConnectionSource database;
    private final AtomicLong statements = new AtomicLong();
    private final AtomicLong rowsRead = new AtomicLong();
    private final AtomicLong rowsWritten = new AtomicLong();

    public CountingConnections(ConnectionSource database) {
        this.database = database;
    }

    public Counts counts() {
        return new Counts(statements.get(), rowsRead.get(), rowsWritten.get());
    }

    @Override
    public Dialect dialect() {
        return database.dialect();
    }

    @Override
    public Connection connect() throws SQLException {
        return wrap(Connection.class, database.connect());
    }

    private <T> T wrap(Class<T> type, T target) {
        return type.cast(Proxy.newProxyInstance(CountingConnections.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    String name = method.getName();
                    if (type == ResultSet.class) {
                        if (name.equals("next") && Boolean.TRUE.equals(result)) {
                            rowsRead.incrementAndGet();
                        }
                        return result;
                    }
                    if (type != Connection.class && name.startsWith("execute")) {
                        statements.incrementAndGet();
                        if (result instanceof Integer n) {
                            rowsWritten.addAndGet(Math.max(0, n));
                        } else if (result instanceof Long n) {
                            rowsWritten.addAndGet(Math.max(0, n));
                        } else if (result instanceof int[] batch) {
                            for (int n : batch) {
                                rowsWritten.addAndGet(Math.max(0, n));
                            }
                        }
                    }
                    if (result instanceof PreparedStatement statement) {
                        return wrap(PreparedStatement.class, statement);
                    }
                    if (result instanceof Statement statement) {
                        return wrap(Statement.class, statement);
                    }
                    if (result instanceof ResultSet rows) {
                        return wrap(ResultSet.class, rows);
                    }
                    return result;
                }));
    }
}
