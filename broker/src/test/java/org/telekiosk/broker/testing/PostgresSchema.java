package org.telekiosk.broker.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.store.StoreDatabase;

/**
 * A fresh schema on the PostgreSQL of the CI machine ({@code 127.0.0.1:5432}, database {@code test}, trust
 * authentication; {@code TELEKIOSK_TEST_PG_URL}, {@code TELEKIOSK_TEST_PG_USER} override), for one test or one
 * class: {@link #create()} skips the caller (an assumption) with the reason when no server answers, {@link #drop()}
 * removes it with everything in it.
 */
public final class PostgresSchema {
    public static final String SERVER = System.getenv().getOrDefault("TELEKIOSK_TEST_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String USER = System.getenv().getOrDefault("TELEKIOSK_TEST_PG_USER", "postgres");

    private final String name = "tk_nodes_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)
            .toLowerCase(Locale.ROOT);
    private boolean created;

    /** Makes the schema; aborts the calling test (skipped, with the reason) when PostgreSQL is unreachable. */
    public PostgresSchema create() {
        String unreachable = null;
        try (Connection c = DriverManager.getConnection(SERVER + "?connectTimeout=2", USER, "")) {
            execute(c, "CREATE SCHEMA " + name);
            created = true;
        } catch (SQLException e) {
            unreachable = e.getMessage();
        }
        String reason = unreachable;
        assumeTrue(reason == null, () -> "NOT run: no PostgreSQL at " + SERVER + " as " + USER + " (" + reason + ")");
        return this;
    }

    /** The JDBC URL of this schema ({@code store.url}). */
    public String url() {
        return SERVER + "?currentSchema=" + name;
    }

    /** The schema as the broker's database, migrated. */
    public SqlAccess migrated() {
        StoreDatabase database = StoreDatabase.of(url(), USER, "");
        database.migrate();
        return new SqlAccess(database);
    }

    /** Drops the schema if it was made. */
    public void drop() {
        if (!created) {
            return;
        }
        try (Connection c = DriverManager.getConnection(SERVER, USER, "")) {
            execute(c, "DROP SCHEMA " + name + " CASCADE");
            created = false;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop the test schema " + name, e);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
