package org.telekiosk.broker.store;

import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The spans' contract on the PostgreSQL of the CI machine ({@link PostgresSchema}), a fresh schema per test, dropped
 * after it; skipped with the reason when no server answers.
 */
class PostgresReadingSpanTest extends ReadingSpanContract {
    final PostgresSchema schema = new PostgresSchema("spans");

    @BeforeEach
    void createSchema() throws SQLException {
        schema.create("spans");
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
