package org.telekiosk.broker.store;

import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * One kiosk-led key a reading (V15) on the PostgreSQL of the CI machine ({@link PostgresSchema}), a fresh schema per
 * test, dropped after it; skipped with the reason when no server answers.
 */
class PostgresOneReadingKeyTest extends OneReadingKeyContract {
    final PostgresSchema schema = new PostgresSchema("onekey");

    @BeforeEach
    void createSchema() throws SQLException {
        schema.create("one-key");
    }

    @AfterEach
    void dropSchema() throws SQLException {
        if (schema.exists()) {
            closeStore();
            schema.drop();
        }
    }

    @Override
    StoreDatabase database() {
        return schema.database();
    }
}
