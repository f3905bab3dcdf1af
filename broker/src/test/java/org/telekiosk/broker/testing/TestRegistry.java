package org.telekiosk.broker.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import org.telekiosk.broker.kiosk.KioskRegistry;
import org.telekiosk.broker.store.SqlAccess;
import org.telekiosk.broker.store.StoreDatabase;

/** The kiosk registry on a fresh, migrated SQLite database in a test's directory, as a broker keeps it. */
public final class TestRegistry {
    private TestRegistry() {}

    /** The migrated SQLite database {@code dir/telekiosk.db} (made on first use). */
    public static SqlAccess sql(Path dir) {
        StoreDatabase database = StoreDatabase.sqlite(dir.resolve("telekiosk.db"));
        database.migrate();
        return new SqlAccess(database);
    }

    /** The registry in {@link #sql(Path)}. */
    public static KioskRegistry open(Path dir) throws IOException {
        return KioskRegistry.open(sql(dir), dir.resolve("kiosks"), Instant.now());
    }
}
