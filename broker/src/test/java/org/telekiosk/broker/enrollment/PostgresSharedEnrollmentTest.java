package org.telekiosk.broker.enrollment;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.telekiosk.broker.store.StoreDatabase;
import org.telekiosk.broker.testing.PostgresSchema;

/**
 * The shared enrollment's contract on the local PostgreSQL, a fresh schema per test (skipped, with the reason, when no
 * server answers).
 */
class PostgresSharedEnrollmentTest extends SharedEnrollmentContract {
    PostgresSchema schema;
    boolean migrated;

    @BeforeEach
    void createSchema() {
        schema = new PostgresSchema().create();
    }

    @AfterEach
    void dropSchema() {
        schema.drop();
    }

    @Override
    StoreDatabase database() {
        StoreDatabase database = StoreDatabase.of(schema.url(), PostgresSchema.USER, "");
        if (!migrated) {
            database.migrate();
            migrated = true;
        }
        return database;
    }
}
