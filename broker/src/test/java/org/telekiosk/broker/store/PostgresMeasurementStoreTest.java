package org.telekiosk.broker.store;

import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The store contract on the PostgreSQL server of the CI machine ({@link PostgresSchema}: {@code 127.0.0.1:5432},
 * database {@code test}, trust authentication). Each test gets a fresh schema, dropped afterwards. Without a reachable
 * server every test here is skipped, with the reason given.
 */
class PostgresMeasurementStoreTest extends MeasurementStoreContract {
    final PostgresSchema schema = new PostgresSchema("store");

    @BeforeEach
    @Override
    void openStore() throws Exception {
        schema.create("store");
        super.openStore();
    }

    @AfterEach
    void dropSchema() throws SQLException {
        if (schema.exists()) {
            closeStore();
            store = null;
            schema.drop();
        }
    }

    @AfterAll
    static void reportSkip() {
        if (PostgresSchema.unreachable().isPresent()) {
            System.err.println("PostgresMeasurementStoreTest: all tests skipped, PostgreSQL unreachable at "
                    + PostgresSchema.SERVER);
        }
    }

    @Override
    StoreDatabase database() {
        return schema.database();
    }
}
