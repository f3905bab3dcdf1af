package org.telekiosk.broker.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The consultation record store contract on the PostgreSQL server of the CI machine (as
 * {@link PostgresMeasurementStoreTest}: {@code 127.0.0.1:5432}, database {@code test}, overridable by
 * {@code TELEKIOSK_TEST_PG_URL} and {@code TELEKIOSK_TEST_PG_USER}), in a fresh schema per test, dropped after.
 * Without a reachable server every test here is skipped, with the reason given.
 */
class PostgresRecordStoreTest extends RecordStoreContract {
    static String unreachable;
    String schema;

    @BeforeAll
    static void probe() {
        try (Connection c = DriverManager.getConnection(PostgresMeasurementStoreTest.SERVER + "?connectTimeout=2",
                PostgresMeasurementStoreTest.USER, "")) {
            unreachable = null;
        } catch (SQLException e) {
            unreachable = e.getMessage();
        }
    }

    @BeforeEach
    @Override
    void openDatabase() throws Exception {
        assumeTrue(unreachable == null, () -> "PostgreSQL record store tests NOT run: no PostgreSQL at "
                + PostgresMeasurementStoreTest.SERVER + " (" + unreachable + "); the same contract ran on SQLite");
        schema = "tk_record_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)
                .toLowerCase(Locale.ROOT);
        execute("CREATE SCHEMA " + schema);
        super.openDatabase();
    }

    @AfterEach
    void dropSchema() throws SQLException {
        if (schema != null) {
            execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Override
    StoreDatabase database() {
        return StoreDatabase.of(PostgresMeasurementStoreTest.SERVER + "?currentSchema=" + schema,
                PostgresMeasurementStoreTest.USER, "");
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(PostgresMeasurementStoreTest.SERVER,
                PostgresMeasurementStoreTest.USER, ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
