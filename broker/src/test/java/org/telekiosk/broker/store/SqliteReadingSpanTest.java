package org.telekiosk.broker.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The spans' contract on an SQLite file in a temporary directory. */
class SqliteReadingSpanTest extends ReadingSpanContract {
    @TempDir
    Path dir;

    @Override
    StoreDatabase database() {
        return StoreDatabase.sqlite(dir.resolve("telekiosk.db"));
    }
}
