package org.telekiosk.broker.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where {@link SqlAccess} opens its connections: the store's database ({@link StoreDatabase}), or in a test a source
 * that wraps it to observe the statements a unit of work runs (how many rows a registry change reads and writes).
 */
public interface ConnectionSource {
    Dialect dialect();

    /** Opens a new connection with auto-commit on. Blocking. */
    Connection connect() throws SQLException;
}
