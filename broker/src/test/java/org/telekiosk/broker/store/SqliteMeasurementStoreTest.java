package org.telekiosk.broker.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on an SQLite file in a temporary directory (reopened by the restart test). */
class SqliteMeasurementStoreTest extends MeasurementStoreContract {
    @TempDir
    Path dir;

    @Override
    StoreDatabase database() {
        return StoreDatabase.sqlite(dir.resolve("telekiosk.db"));
    }
}
