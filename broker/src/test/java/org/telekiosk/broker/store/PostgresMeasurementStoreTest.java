package org.telekiosk.broker.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The store contract on the PostgreSQL server of the CI machine ({@code 127.0.0.1:5432}, database {@code test}, trust
 * authentication; override with {@code TELEKIOSK_TEST_PG_URL} and {@code TELEKIOSK_TEST_PG_USER}). Each test gets
 * a fresh schema, dropped afterwards. Without a reachable server every test here is skipped, with the reason given.
 */
class PostgresMeasurementStoreTest extends MeasurementStoreContract {
    static final String SERVER = System.getenv().getOrDefault("TELEKIOSK_TEST_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/test");
    static final String USER = System.getenv().getOrDefault("TELEKIOSK_TEST_PG_USER", "postgres");
    static String unreachable;

    String schema;

    @BeforeAll
    static void probe() {
        try (Connection c = DriverManager.getConnection(SERVER + "?connectTimeout=2", USER, "")) {
            unreachable = null;
        } catch (SQLException e) {
            unreachable = e.getMessage();
        }
    }

    @BeforeEach
    @Override
    void openStore() throws Exception {
        assumeTrue(unreachable == null, () -> "PostgreSQL store tests NOT run: no PostgreSQL at " + SERVER + " as "
                + USER + " (" + unreachable + "); the same contract ran on SQLite");
        schema = "tk_store_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        execute("CREATE SCHEMA " + schema);
        super.openStore();
    }

    @AfterEach
    void dropSchema() throws SQLException {
        if (schema != null) {
            closeStore();
            store = null;
            execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @AfterAll
    static void reportSkip() {
        if (unreachable != null) {
            System.err.println("PostgresMeasurementStoreTest: all tests skipped, PostgreSQL unreachable at " + SERVER);
        }
    }

    @Override
    StoreDatabase database() {
        return StoreDatabase.of(SERVER + "?currentSchema=" + schema, USER, "");
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER, USER, ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
