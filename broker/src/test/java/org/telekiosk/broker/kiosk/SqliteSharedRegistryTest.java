package org.telekiosk.broker.kiosk;

import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.testing.TestRegistry;

/** The shared registry's contract on one SQLite file (the one-machine default; "nodes" are processes on it). */
class SqliteSharedRegistryTest extends SharedRegistryContract {
    @Override
    SqlAccess node() {
        return TestRegistry.sql(dir);
    }
}
