package org.telekiosk.broker.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** One kiosk-led key a reading (V15) on an SQLite file in a temporary directory. */
class SqliteOneReadingKeyTest extends OneReadingKeyContract {
    @TempDir
    Path dir;

    @Override
    StoreDatabase database() {
        return StoreDatabase.sqlite(dir.resolve("telekiosk.db"));
    }
}
