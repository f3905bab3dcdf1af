package org.telekiosk.broker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store contract on the PostgreSQL server of the CI machine ({@link PostgresSchema}: {@code 127.0.0.1:5432},
 * database {@code test}, trust authentication). Each test gets a fresh schema, dropped afterwards. Without a reachable
 * server every test here is skipped, with the reason given.
 */
class PostgresMeasurementStoreTest extends MeasurementStoreContract {
    final PostgresSchema schema = new PostgresSchema("store");

    @BeforeEach
    @Override
    void openStore() throws Exception {
        schema.create("store");
        super.openStore();
    }

    @AfterEach
    void dropSchema() throws SQLException {
        if (schema.exists()) {
            closeStore();
            store = null;
            schema.drop();
        }
    }

    @AfterAll
    static void reportSkip() {
        if (PostgresSchema.unreachable().isPresent()) {
            System.err.println("PostgresMeasurementStoreTest: all tests skipped, PostgreSQL unreachable at "
                    + PostgresSchema.SERVER);
        }
    }

    @Override
    StoreDatabase database() {
        return schema.database();
    }

    /**
     * The writer keeps one connection and its prepared statements on it: once the server ends that connection, the
     * batch on it fails (its readings are sent again by the kiosks), and the next batch runs on a new connection with
     * statements prepared again, instead of every later batch failing on the dead one.
     */
    @Test
    void aBatchAfterTheWritersConnectionWasLostRunsOnANewConnection() throws Exception {
        store(1, 2);
        assertTrue(schema.terminateConnections() >= 1, "the writer's connection at least");

        CompletionException lost = assertThrows(CompletionException.class,
                () -> store.append(reading(KIOSK, 3)).join());
        assertInstanceOf(SQLException.class, lost.getCause());

        assertEquals(AppendOutcome.STORED, store.append(reading(KIOSK, 3)).join());
        store(5);
        KioskProgress progress = store.progress(KIOSK).join();
        assertEquals(5, progress.highest());
        assertEquals(List.of(new SeqRange(4, 4)), progress.gaps().stream().map(Gap::range).toList());
        assertEquals(AppendOutcome.DUPLICATE, store.append(reading(KIOSK, 2)).join());
    }
}
