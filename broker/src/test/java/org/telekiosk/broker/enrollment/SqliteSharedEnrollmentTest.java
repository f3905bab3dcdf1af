package org.telekiosk.broker.enrollment;

import org.telekiosk.broker.store.StoreDatabase;

/** The shared enrollment's contract on an SQLite file (the broker and the command line on one machine). */
class SqliteSharedEnrollmentTest extends SharedEnrollmentContract {
    @Override
    StoreDatabase database() {
        StoreDatabase database = StoreDatabase.sqlite(dir.resolve("telekiosk.db"));
        database.migrate();
        return database;
    }
}
