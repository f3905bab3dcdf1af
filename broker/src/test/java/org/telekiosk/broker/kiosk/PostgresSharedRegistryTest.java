package org.telekiosk.broker.kiosk;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.testing.PostgresSchema;

/**
 * The shared registry's contract on the local PostgreSQL, a fresh schema per test (skipped, with the reason, when no
 * server answers).
 */
class PostgresSharedRegistryTest extends SharedRegistryContract {
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
    SqlAccess node() {
        if (!migrated) {
            migrated = true;
            return schema.migrated();
        }
        return new SqlAccess(org.telekiosk.broker.store.StoreDatabase.of(schema.url(), PostgresSchema.USER, ""));
    }
}
