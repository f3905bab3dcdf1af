package org.telekiosk.broker.signaling;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.telekiosk.broker.store.StoreDatabase;
import org.telekiosk.broker.testing.PostgresSchema;

/**
 * The relay's broadcast channel on the local PostgreSQL. {@code NOTIFY} spans the database: two deployments, each in
 * its own schema of one database, must not hear each other's broadcasts. Skipped without PostgreSQL.
 */
class PostgresRelayTest {
    private final PostgresSchema first = new PostgresSchema();
    private final PostgresSchema second = new PostgresSchema();
    private final List<PostgresRelay> relays = new ArrayList<>();

    @AfterEach
    void close() {
        relays.forEach(PostgresRelay::close);
        first.drop();
        second.drop();
    }

    private PostgresRelay start(PostgresSchema schema, String node, List<String> received) {
        PostgresRelay relay = new PostgresRelay(StoreDatabase.of(schema.url(), PostgresSchema.USER, ""), node,
                Clock.systemUTC(), Duration.ofSeconds(15));
        relays.add(relay);
        relay.start(received::add);
        return relay;
    }

    @Test
    void aBroadcastReachesTheNodesOfItsOwnSchemaOnly() {
        first.create();
        second.create();
        List<String> firstB = new CopyOnWriteArrayList<>();
        List<String> secondA = new CopyOnWriteArrayList<>();
        PostgresRelay firstA = start(first, "node-a", new CopyOnWriteArrayList<>());
        start(first, "node-b", firstB);
        start(second, "node-a", secondA);
        PostgresRelay secondB = start(second, "node-b", new CopyOnWriteArrayList<>());

        firstA.broadcast("from the first deployment");
        firstA.flush(Duration.ofSeconds(10));
        // Notifications reach each listener in commit order: had the second deployment's node heard the first's
        // broadcast, it would have it before this one.
        secondB.broadcast("from the second deployment");
        secondB.flush(Duration.ofSeconds(10));

        await().atMost(Duration.ofSeconds(10)).until(() -> firstB.contains("from the first deployment")
                && secondA.contains("from the second deployment"));
        assertEquals(List.of("from the second deployment"), List.copyOf(secondA));
        assertEquals(List.of("from the first deployment"), List.copyOf(firstB));
    }
}
