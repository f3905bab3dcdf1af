package org.telekiosk.broker.store;

import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The consultation record store contract on the PostgreSQL server of the CI machine ({@link PostgresSchema}), in a fresh schema per
 * test, dropped after. Without a reachable server every test here is skipped, with the reason given.
 */
class PostgresRecordStoreTest extends RecordStoreContract {
    final PostgresSchema schema = new PostgresSchema("record");

    @BeforeEach
    @Override
    void openDatabase() throws Exception {
        schema.create("record store");
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
