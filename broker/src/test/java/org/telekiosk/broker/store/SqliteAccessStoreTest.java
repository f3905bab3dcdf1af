package org.telekiosk.broker.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The accounts-and-consultations store contract on an SQLite file in a temporary directory. */
class SqliteAccessStoreTest extends AccessStoreContract {
    @TempDir
    Path dir;

    @Override
    StoreDatabase database() {
        return StoreDatabase.sqlite(dir.resolve("telekiosk.db"));
    }
}
