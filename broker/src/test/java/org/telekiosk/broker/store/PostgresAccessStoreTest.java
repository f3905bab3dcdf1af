package org.telekiosk.broker.store;

import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The accounts-and-consultations store contract on the PostgreSQL server of the CI machine ({@link PostgresSchema}), in a fresh schema per
 * test, dropped after. Without a reachable server every test here is skipped, with the reason given.
 */
class PostgresAccessStoreTest extends AccessStoreContract {
    final PostgresSchema schema = new PostgresSchema("access");

    @BeforeEach
    @Override
    void openDatabase() throws Exception {
        schema.create("access store");
        super.openDatabase();
    }

    @AfterEach
    void dropSchema() throws SQLException {
        schema.drop();
    }

    @Override
    StoreDatabase database() {
        return schema.database();
    }
}
